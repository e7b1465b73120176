from django.conf import settings
from django.core.management.base import BaseCommand

from ...models import User

DEMO_USERS = [
    ("admin", "超级管理员 / superuser (Django admin)"),
    ("district", "区委组织部管理员 / district admin"),
    ("leader", "区领导（只读）/ district leader, read-only"),
    ("street", "苏仙岭街道书记 / street secretary"),
    ("community", "爱莲湖社区书记 / community secretary"),
    ("community2", "六角亭社区书记 / sibling community secretary"),
    ("grid", "爱莲湖社区网格员 / grid worker"),
    ("dept", "区民政局联络员 / department liaison"),
]


class Command(BaseCommand):
    help = "Print the demo log-ins."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/")

    def handle(self, *args, **opts):
        existing = set(User.objects.filter(username__in=[u for u, _ in DEMO_USERS]).values_list("username", flat=True))
        self.stdout.write("")
        url = opts["url"].rstrip("/")
        self.stdout.write(f"苏仙党建 demo: {url}/  (admin: {url}/admin/, API docs: {url}/api/docs/)")
        self.stdout.write(f"password for every demo user / 演示密码: {settings.DEMO_PASSWORD}")
        for username, label in DEMO_USERS:
            if username in existing:
                self.stdout.write(f"  {username:<11} {label}")
        self.stdout.write("")
