"""Demo content for the home page: filled in only where staff have not written anything yet."""

from .models import HomePage

INTRO_FA = (
    "<p>شهر را با هم اداره کنیم: در رفت‌وروب محله، نگهداشت مادی‌ها، برگزاری کارگاه در کتابخانه یا "
    "راهنمایی گردشگران داوطلب شوید. کار انجام‌شدهٔ شما را کارکنان شهرداری تأیید می‌کنند و امتیازش را "
    "می‌توانید با تخفیف‌های شهرداری عوض کنید.</p>"
)
INTRO_EN = (
    "<p>Let's run the city together: volunteer to clean your street, look after the madis, run a workshop "
    "in a library or guide visitors. Municipal staff verify what you did, and the points you earn turn "
    "into municipal discounts.</p>"
)


def demo_home_page_load() -> HomePage:
    home = HomePage.objects.get()
    if not home.intro_fa and not home.intro_en:
        home.intro_fa, home.intro_en = INTRO_FA, INTRO_EN
        home.save_revision().publish()
    return home
