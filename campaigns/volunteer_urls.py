"""A volunteer's own pages: signing up and cancelling from the web, and "my shifts"."""

app_name = "volunteer"

urlpatterns: list = []
