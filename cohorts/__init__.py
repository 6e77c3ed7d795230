"""Trainer tools: cohorts, joining by code or CSV, the progress dashboard, insight and exports.

A top-level package rather than part of ``training`` because the dashboard reads courses,
quizzes, role-plays and certificates, which all sit above ``training``. Nothing imports it
except the app factory (blueprint) and the demo loader.
"""
