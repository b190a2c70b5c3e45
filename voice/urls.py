from django.urls import path

from . import views

app_name = "voice"

urlpatterns = [
    path("", views.voice_home, name="home"),
    path("new/", views.item_new, name="new"),
    path("track/", views.track, name="track"),
    path("mine/", views.my_items, name="my_items"),
    path("i/<str:code>/<str:key>/", views.item_mine, name="mine"),
    path("items/<str:code>/", views.public_item, name="public_item"),
    path("items/<str:code>/support/", views.support, name="support"),
    path("monitoring/", views.monitoring, name="monitoring"),
]
