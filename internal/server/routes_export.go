package server

import "github.com/labstack/echo/v4"

// exportRoutes adds the routes for file exports (DOCX, PDF, Akoma Ntoso, text, JSON) and Word import.
// api is the /api/v1 group, ui the pages' group; both identify the viewer
// (anonymous visitors included) and check CSRF on writes.
func (s *Server) exportRoutes(api, ui *echo.Group) {
	api.GET("/documents/:id/versions/:n/export", s.apiExportVersion)
	api.GET("/documents/:id/compilation/export", s.apiExportCompilation)
}
