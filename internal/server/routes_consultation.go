package server

import "github.com/labstack/echo/v4"

// consultationRoutes adds the routes for comment attachments, campaigns, notifications, feeds and comment exports.
// api is the /api/v1 group, ui the pages' group; both identify the viewer
// (anonymous visitors included) and check CSRF on writes.
func (s *Server) consultationRoutes(api, ui *echo.Group) {
	api.GET("/comments/:cid/attachments/:aid", s.apiCommentAttachment)
	api.GET("/comments/:cid/signatories", s.apiCampaignSignatories)
	api.PUT("/documents/:id/provisions/:key/follow", s.apiFollowProvision)
	api.DELETE("/documents/:id/provisions/:key/follow", s.apiUnfollowProvision)
	api.POST("/documents/:id/comments/exports", s.apiStartCommentExport)
	api.GET("/documents/:id/comments/exports/:eid", s.apiCommentExport)
	api.GET("/documents/:id/comments/exports/:eid/file", s.apiCommentExportFile)
	api.GET("/notifications", s.apiNotifications)
	api.POST("/notifications/read", s.apiReadNotifications)

	ui.POST("/documents/:id/comments", s.postComment)
	ui.GET("/documents/:id/comments.atom", s.pageCommentFeed)
	ui.GET("/documents/:id/comments/export", s.pageCommentExports)
	ui.POST("/documents/:id/comments/export", s.postCommentExport)
	ui.GET("/documents/:id/comments/:cid", s.pageComment)
	ui.POST("/documents/:id/comments/:cid/:action", s.postCommentAction)
	ui.POST("/documents/:id/provisions/:key/follow", s.postFollow)
	ui.GET("/notifications", s.pageNotifications)
	ui.POST("/notifications/read", s.postNotificationsRead)
}
