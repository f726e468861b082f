"""What the routes ask for, without HTTP: each function takes a session (or the session
factory and the index) and calls the db layer, so a route only parses, calls and answers."""
