"""Mails that bring learners back and keep trainers informed (issue 17): reminders, notices on
events, the weekly trainer digest, each user's preferences and one-click unsubscribe."""
