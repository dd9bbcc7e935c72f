package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// decodeJSON reads a JSON request body into v with a message a person
// understands when it is not JSON or not the expected shape.
func decodeJSON(c echo.Context, v any) error {
	body, err := io.ReadAll(c.Request().Body)
	var he *echo.HTTPError
	if errors.As(err, &he) {
		return he
	}
	if err != nil {
		return negotiation.Errorf(negotiation.EMalformed, "the request body could not be read")
	}
	// encoding/json would silently turn invalid UTF-8 into U+FFFD; refuse
	// instead, so that no text is altered behind the sender's back.
	if !utf8.Valid(body) {
		return negotiation.Errorf(negotiation.EMalformed, "the request body is not valid UTF-8")
	}
	err = json.Unmarshal(body, v)
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case len(bytes.TrimSpace(body)) == 0:
		return negotiation.Errorf(negotiation.EMalformed, "the request body is empty; send a JSON object")
	case errors.As(err, &syn):
		return negotiation.Errorf(negotiation.EMalformed, "the request body is not valid JSON (at byte %d)", syn.Offset)
	case errors.As(err, &typ):
		return negotiation.Errorf(negotiation.EMalformed, "field %q should be a %s", typ.Field, typ.Type)
	default:
		return negotiation.Errorf(negotiation.EMalformed, "the request body could not be read as JSON: %v", err)
	}
}

// documentID reads the :id path parameter. A malformed id names no
// document, so it is "not found" rather than "bad request".
func documentID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, negotiation.Errorf(negotiation.ENotFound, "document %q not found", c.Param("id"))
	}
	return id, nil
}

// versionNumber reads a version number from a path or query value.
func versionNumber(name, s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		return 0, negotiation.Errorf(negotiation.EInvalid, "%s must be a version number (1, 2, …), not %q", name, s)
	}
	return n, nil
}

// created answers 201 with a JSON body; only called after the commit.
func created(c echo.Context, v any) error { return c.JSON(http.StatusCreated, v) }

// actor names who makes a change, for the audit trail.
func actor(c echo.Context) negotiation.Actor { return viewer(c).Actor() }
