from django.urls import path

from . import views

app_name = "rewards"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("<int:reward_id>/redeem/", views.redeem, name="redeem"),
    path("my/", views.my_points, name="my_points"),
    path("vouchers/<str:code>/", views.voucher_detail, name="voucher"),
    path("vouchers/<str:code>/cancel/", views.voucher_cancel, name="voucher_cancel"),
    path("counter/", views.counter, name="counter"),
]
