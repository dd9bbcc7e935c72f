package server

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gorilla/feeds"
	"github.com/labstack/echo/v4"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// pageCommentFeed is a document's Atom feed of its newest comments, for
// feed readers. It asks the same read check as the document page (session
// cookie or Bearer token), so a reader needs a personal API token. Bodies
// go out as plain text (type="text"), never as HTML.
func (s *Server) pageCommentFeed(c echo.Context) error {
	d, err := s.readDocument(c)
	if err != nil {
		return err
	}
	v := viewer(c)
	list, err := s.store.RecentComments(c.Request().Context(), d.ID, v.PartyID, v.PartyKind == negotiation.PartySecretariat)
	if err != nil {
		return err
	}
	base := s.baseURL
	docURL := fmt.Sprintf("%s/documents/%d", base, d.ID)
	updated := d.CreatedAt
	if len(list) > 0 {
		updated = list[0].CreatedAt
	}
	feed := feeds.AtomFeed{
		Xmlns: "http://www.w3.org/2005/Atom", Title: "Comments on " + d.Symbol + ": " + d.Title,
		Id: docURL + "/comments.atom", Updated: updated.UTC().Format(time.RFC3339),
		Link: &feeds.AtomLink{Href: docURL, Rel: "alternate", Type: "text/html"},
	}
	for _, cm := range list {
		link := fmt.Sprintf("%s/comments/%d", docURL, cm.ID)
		text := cm.Body
		if cm.Tombstone != "" {
			text = "[" + cm.Tombstone + "]"
		}
		upd := cm.CreatedAt
		if cm.EditedAt != nil {
			upd = *cm.EditedAt
		}
		feed.Entries = append(feed.Entries, &feeds.AtomEntry{
			Title: cm.Author + " (" + cm.Party + "): " + firstWords(text, 80), Id: link,
			Updated: upd.UTC().Format(time.RFC3339), Published: cm.CreatedAt.Format(time.RFC3339),
			Links:   []feeds.AtomLink{{Href: link, Rel: "alternate", Type: "text/html"}},
			Content: &feeds.AtomContent{Content: text, Type: "text"},
			Author:  &feeds.AtomAuthor{AtomPerson: feeds.AtomPerson{Name: cm.Author + " (" + cm.Party + ")"}},
		})
	}
	out, err := xml.MarshalIndent(feed, "", "  ")
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "private, no-cache")
	return c.Blob(http.StatusOK, "application/atom+xml; charset=utf-8", append([]byte(xml.Header), out...))
}

// firstWords cuts s to at most n characters on one line.
func firstWords(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
