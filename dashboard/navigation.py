"""The console's pages: file, title, icon and the right needed to see it."""

from pathlib import Path
from typing import NamedTuple

from triage.accounts import Right, has_right


class PageSpec(NamedTuple):
    path: str  # relative to dashboard/app.py; not "pages/", which Streamlit would auto-list
    title: str
    icon: str
    right: Right
    visible: bool = True  # False: reached by links only (one post), not listed in the sidebar

    @property
    def url_path(self) -> str:
        """The page's address (`/reports`), the same before and after login."""
        return Path(self.path).stem


PAGES = (
    PageSpec("screens/queue.py", "Очередь", ":material/inbox:", Right.VIEW_QUEUE),
    PageSpec("screens/incidents.py", "Инциденты", ":material/report:", Right.VIEW_INCIDENTS),
    PageSpec("screens/reports.py", "Обращения", ":material/assignment:", Right.VIEW_REPORTS),
    PageSpec("screens/new_signal.py", "Новый сигнал", ":material/add_call:", Right.ENTER_SIGNALS),
    PageSpec("screens/analytics.py", "Аналитика", ":material/monitoring:", Right.VIEW_ANALYTICS),
    PageSpec("screens/sources.py", "Источники", ":material/rss_feed:", Right.VIEW_SOURCES),
    PageSpec("screens/model.py", "Модель", ":material/model_training:", Right.MANAGE_MODEL),
    PageSpec("screens/taxonomy.py", "Рубрикатор", ":material/category:", Right.MANAGE_TAXONOMY),
    PageSpec("screens/users.py", "Пользователи", ":material/group:", Right.MANAGE_USERS),
    PageSpec("screens/post.py", "Пост", ":material/article:", Right.VIEW_INCIDENTS, False),
)


def pages_for(role: str) -> list[PageSpec]:
    return [page for page in PAGES if has_right(role, page.right)]
