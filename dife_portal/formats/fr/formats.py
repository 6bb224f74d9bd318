# Hours written the French way where Django formats a time by itself (admin lists and read-only fields):
# "2 décembre 2026 à 9 h 30". A format string cannot drop the minutes on the hour ("9 h 00"); the portal's
# own pages use the `heure` filter (dife_portal.french), which writes "9 h". Other formats: Django's French ones.
TIME_FORMAT = "G\u00a0\\h\u00a0i"
DATETIME_FORMAT = "j F Y à G\u00a0\\h\u00a0i"
SHORT_DATETIME_FORMAT = "d/m/Y à G\u00a0\\h\u00a0i"
