package server

import (
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

func (s *Server) routes() {
	e := s.echo
	e.Pre(middleware.RemoveTrailingSlash())
	e.Use(s.securityHeaders, s.requestLog, middleware.BodyLimit("10M"), s.locale)
	e.GET("/healthz", s.healthz)
	e.GET("/static/:hash/*", s.static)
	if s.provider != nil {
		// The provider has its own CSRF protection on its login form, and
		// its token endpoint is called by servers, not browsers.
		e.Any("/oidc/*", echo.WrapHandler(s.provider.Handler()))
	}

	api := e.Group("/api/v1", s.identify, s.csrf())
	api.GET("/documents", s.apiListDocuments)
	api.POST("/documents", s.apiCreateDocument)
	api.GET("/documents/:id", s.apiGetDocument)
	api.POST("/documents/:id/versions", s.apiCreateVersion)
	api.GET("/documents/:id/versions/:n", s.apiGetVersion)
	api.GET("/documents/:id/diff", s.apiDiff)
	api.POST("/documents/:id/proposals", s.apiCreateProposal)
	api.GET("/documents/:id/proposals", s.apiListProposals)
	api.PUT("/documents/:id/deadline", s.apiSetDeadline)
	api.GET("/documents/:id/events", s.apiEvents)
	api.GET("/documents/:id/compilation", s.apiCompilation)
	api.POST("/documents/:id/revisions", s.apiCreateRevision)
	api.PUT("/documents/:id/provisions/:key/status", s.apiSetProvisionStatus)
	api.POST("/documents/:id/provisions/:key/positions", s.apiSetProvisionPosition)
	api.PUT("/documents/:id/consultation", s.apiSetConsultation)
	api.POST("/documents/:id/suggestions", s.apiCreateSuggestion)
	api.GET("/documents/:id/suggestions", s.apiListSuggestions)
	api.POST("/suggestions/:sid/sponsor", s.apiSponsorSuggestion)
	api.POST("/proposals/:pid/positions", s.apiSetPosition)
	api.POST("/proposals/:pid/cosponsor", s.apiCosponsor)
	api.POST("/proposals/:pid/withdraw", s.apiWithdrawProposal)

	ui := e.Group("", s.identify, s.csrf())
	ui.GET("/auth/login", s.signIn)
	ui.GET("/auth/callback", s.callback)
	ui.POST("/auth/logout", s.signOut)
	ui.GET("/", s.pageIndex)
	ui.POST("/language", s.setLanguage)
	ui.GET("/documents/new", s.pageNewDocument)
	ui.POST("/documents", s.postDocument)
	ui.GET("/documents/:id", s.pageDocument)
	ui.GET("/documents/:id/versions/new", s.pageNewVersion)
	ui.GET("/documents/:id/edit", s.pageEditVersion)
	ui.POST("/documents/:id/versions", s.postVersion)
	ui.GET("/documents/:id/versions/:n", s.pageVersion)
	ui.GET("/documents/:id/diff", s.pageDiff)
	ui.GET("/documents/:id/compilation", s.pageCompilation)
	ui.GET("/documents/:id/status", s.pageStatus)
	ui.POST("/documents/:id/proposals", s.postProposal)
	ui.POST("/documents/:id/proposals/:pid/position", s.postPosition)
	ui.POST("/documents/:id/proposals/:pid/withdraw", s.postWithdraw)
	ui.POST("/documents/:id/provisions/:key/position", s.postProvisionPosition)
	ui.POST("/documents/:id/provisions/:key/status", s.postProvisionStatus)

	ui.GET("/account", s.pageAccount)
	ui.POST("/account/tokens", s.postToken)
	ui.POST("/account/tokens/:id/revoke", s.postRevokeToken)
	ui.GET("/accreditation/apply", s.pageApply)
	ui.POST("/accreditation/apply", s.postApply)
	ui.GET("/accreditation/submitted", s.pageApplied)
	ui.GET("/admin/parties", s.pageParties)
	ui.POST("/admin/parties", s.postParty)
	ui.GET("/admin/users", s.pageUsers)
	ui.POST("/admin/users/:id/party", s.postUserParty)
	ui.POST("/admin/users/:id/suspend", s.postSuspendUser)
	ui.POST("/admin/users/:id/reinstate", s.postReinstateUser)
	ui.POST("/admin/users/:id/sessions/revoke", s.postRevokeUserSessions)
	ui.GET("/admin/accreditations", s.pageAccreditations)
	ui.POST("/admin/accreditations/:id/approve", s.postApprove)
	ui.POST("/admin/accreditations/:id/reject", s.postReject)
}
