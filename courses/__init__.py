"""Courses: content loading, catalogue, enrolment, module reader, progress and role-plays."""
