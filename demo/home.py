"""Demo content for the home page: filled in only where staff have not written anything yet."""

from cms.models import HomePage

from .data import demo_data

_HOME = demo_data("home")


def demo_home_page_load() -> HomePage:
    home = HomePage.objects.get()
    if not home.intro_fa and not home.intro_en:
        home.intro_fa, home.intro_en = _HOME["intro_fa"], _HOME["intro_en"]
        home.save_revision().publish()
    return home
