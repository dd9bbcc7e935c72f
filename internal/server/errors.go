package server

import (
	"context"
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// statusOf maps an application error code to its HTTP status. This is the
// only place where that mapping lives.
var statusOf = map[string]int{
	negotiation.EInvalid:      http.StatusUnprocessableEntity,
	negotiation.EMalformed:    http.StatusBadRequest,
	negotiation.ENotFound:     http.StatusNotFound,
	negotiation.EConflict:     http.StatusConflict,
	negotiation.ETooLarge:     http.StatusRequestEntityTooLarge,
	negotiation.EForbidden:    http.StatusForbidden,
	negotiation.EUnauthorized: http.StatusUnauthorized,
	negotiation.EInternal:     http.StatusInternalServerError,
	negotiation.EAnchor:       http.StatusUnprocessableEntity,
}

// codeOf maps statuses raised by Echo itself (404 route, 413 body limit,
// 405 method) back to application codes.
var codeOf = map[int]string{
	http.StatusBadRequest:            negotiation.EMalformed,
	http.StatusNotFound:              negotiation.ENotFound,
	http.StatusMethodNotAllowed:      negotiation.EInvalid,
	http.StatusRequestEntityTooLarge: negotiation.ETooLarge,
	http.StatusForbidden:             negotiation.EForbidden,
	http.StatusUnauthorized:          negotiation.EUnauthorized,
	http.StatusUnprocessableEntity:   negotiation.EInvalid,
	http.StatusServiceUnavailable:    "unavailable", // a part the server lacks, such as the PDF renderer
}

// apiError is the JSON shape of every error: {"error":{"code","message"}}.
type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// handleError is the one error handler: it turns any error into a status
// and a message a person understands, as JSON on the API and as a page
// elsewhere. Internal errors are logged and never shown.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	if errors.Is(err, context.Canceled) && c.Request().Context().Err() != nil {
		// The client went away before its answer (a closed tab, a load
		// generator's end): nobody to answer, and nothing went wrong.
		s.log.Debug("request abandoned by its client", "method", c.Request().Method, "path", c.Path())
		return
	}
	status, code, msg := s.describe(err, c)
	if code == negotiation.EUnauthorized && !isAPI(c) && c.Request().Method == http.MethodGet {
		_ = c.Redirect(http.StatusSeeOther, signInURL(c))
		return
	}
	if isAPI(c) {
		var body apiError
		body.Error.Code, body.Error.Message = code, msg
		_ = c.JSON(status, body)
		return
	}
	s.renderError(c, status, msg)
}

func (s *Server) describe(err error, c echo.Context) (int, string, string) {
	var he *echo.HTTPError
	if errors.As(err, &he) {
		code, ok := codeOf[he.Code]
		if !ok {
			code = negotiation.EInternal
		}
		msg := http.StatusText(he.Code)
		switch m := he.Message.(type) {
		case string:
			msg = m
		}
		if he.Code == http.StatusRequestEntityTooLarge {
			msg = "The request is larger than the limit of 10 MB."
		}
		if he.Code == http.StatusNotFound && msg == "Not Found" {
			msg = "Nothing is at this address."
		}
		return he.Code, code, msg
	}
	code := negotiation.ErrorCode(err)
	if code == negotiation.EInternal {
		s.log.Error("internal error", "method", c.Request().Method, "path", c.Path(), "err", err)
	}
	return statusOf[code], code, negotiation.ErrorMessage(err)
}
