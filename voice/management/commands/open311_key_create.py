from django.core.management.base import BaseCommand

from voice.open311 import key_create


class Command(BaseCommand):
    help = "Creates an Open311 api_key for an app or a city dashboard and prints it (shown only this once)."

    def add_arguments(self, parser):
        parser.add_argument("name", help="Who the key is for, e.g. 'City dashboard'.")

    def handle(self, *args, name: str, **options):
        _, key = key_create(name=name)
        self.stdout.write(key)
