"""Quizzes: the quiz model, its YAML and GIFT formats, pure grading, attempts and views."""
