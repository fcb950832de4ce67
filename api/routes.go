package api

// routes registers every route of the API, in one place.
func (s *Server) routes() {
	s.router.HandleFunc("/healthz", s.handleHealthz).Methods("GET")
	s.router.HandleFunc("/readyz", s.handleReadyz).Methods("GET")
}
