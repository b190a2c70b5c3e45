"""Calendar (.ics) feeds: a secret feed per volunteer and a download per shift."""

app_name = "calendar"

urlpatterns: list = []
