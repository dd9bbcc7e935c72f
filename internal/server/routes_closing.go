package server

import "github.com/labstack/echo/v4"

// closingRoutes adds the routes for silence procedure, adoption, public pages, translations and the archive.
// api is the /api/v1 group, ui the pages' group; both identify the viewer
// (anonymous visitors included) and check CSRF on writes.
func (s *Server) closingRoutes(api, ui *echo.Group) {
}
