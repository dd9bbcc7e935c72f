package server

import "github.com/labstack/echo/v4"

// closingRoutes adds the routes for silence procedure, adoption, public pages, translations and the archive.
// api is the /api/v1 group, ui the pages' group; both identify the viewer
// (anonymous visitors included) and check CSRF on writes.
func (s *Server) closingRoutes(api, ui *echo.Group) {
	api.POST("/documents/:id/silence", s.apiStartSilence)
	api.GET("/documents/:id/silence", s.apiGetSilence)
	api.POST("/documents/:id/silence/break", s.apiBreakSilence)
	api.POST("/documents/:id/silence/return", s.apiReturnSilence)
	api.POST("/documents/:id/adopt", s.apiAdopt)
	api.GET("/documents/:id/adoption", s.apiGetAdoption)
	api.POST("/documents/:id/explanations", s.apiExplain)
	api.PUT("/documents/:id/translations/:lang", s.apiSetTranslation)
	api.GET("/documents/:id/translations", s.apiTranslations)

	ui.GET("/documents/:id/closing", s.pageClosing)
	ui.POST("/documents/:id/silence", s.postSilence)
	ui.POST("/documents/:id/silence/break", s.postBreakSilence)
	ui.POST("/documents/:id/silence/return", s.postReturnSilence)
	ui.POST("/documents/:id/adopt", s.postAdopt)
	ui.POST("/documents/:id/explanations", s.postExplanation)
	ui.GET("/documents/:id/translations/:lang", s.pageTranslation)
	ui.POST("/documents/:id/translations/:lang", s.postTranslation)

	// Published texts: public, permanent addresses.
	ui.GET("/texts", s.pageArchive)
	ui.GET("/texts.atom", s.feedArchive)
	ui.GET("/texts/*", s.pagePublic)
}
