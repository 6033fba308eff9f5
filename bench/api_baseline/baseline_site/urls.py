from django.urls import include, path
from rest_framework.routers import DefaultRouter

from notifications.views import NotificationViewSet, UserViewSet

router = DefaultRouter()
router.register("users", UserViewSet)
router.register("notifications", NotificationViewSet)
urlpatterns = [path("api/", include(router.urls))]
