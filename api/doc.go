// Package api is caseledger's HTTP interface: routes, handlers, problem
// details, authentication and the reviewer's pages.
//
// For now it serves liveness and readiness only; every route is registered in
// one place (routes.go) and every handler stays thin: parse, command, execute,
// write.
package api
