from django.urls import include, path
from notifications.views import NotificationViewSet, UserViewSet
from rest_framework.routers import DefaultRouter

router = DefaultRouter()
router.register("users", UserViewSet)
router.register("notifications", NotificationViewSet)
urlpatterns = [path("api/", include(router.urls))]
