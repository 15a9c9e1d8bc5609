"""The console's pages: file, title, icon, the right needed to see it, and whether it is a
region-wide page (for users with no territory only).

The sidebar lists exactly the pages a user may open; any other page's address still
answers, with a Russian refusal that says why (`refusal`).
"""

from pathlib import Path
from typing import NamedTuple

from dashboard.auth import NO_RIGHTS, REGION_WIDE, USERS_REGION_ONLY
from triage.accounts import Right, has_right
from triage.scope import Scope


class PageSpec(NamedTuple):
    path: str  # relative to dashboard/app.py; not "pages/", which Streamlit would auto-list
    title: str
    icon: str
    right: Right
    visible: bool = True  # False: reached by links only (one post), not listed in the sidebar
    # region-wide settings: why a user with a territory is refused ("": not refused)
    regional_only: str = ""

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
    # region-wide too, but a municipal user may read the list (changes are refused there)
    PageSpec("screens/sources.py", "Источники", ":material/rss_feed:", Right.VIEW_SOURCES),
    PageSpec(
        "screens/model.py",
        "Модель",
        ":material/model_training:",
        Right.MANAGE_MODEL,
        regional_only=REGION_WIDE,
    ),
    PageSpec(
        "screens/taxonomy.py",
        "Рубрикатор",
        ":material/category:",
        Right.MANAGE_TAXONOMY,
        regional_only=REGION_WIDE,
    ),
    PageSpec(
        "screens/users.py",
        "Пользователи",
        ":material/group:",
        Right.MANAGE_USERS,
        regional_only=USERS_REGION_ONLY,
    ),
    PageSpec("screens/post.py", "Пост", ":material/article:", Right.VIEW_INCIDENTS, False),
)


def refusal(page: PageSpec, *, role: str, scope: Scope) -> str | None:
    """Why this user may not open `page` (a Russian sentence), or None when they may."""
    if not has_right(role, page.right):
        return NO_RIGHTS
    if page.regional_only and not scope.is_regional:
        return page.regional_only
    return None


def pages_for(role: str, scope: Scope) -> list[PageSpec]:
    """The pages this role and territory may open: the sidebar lists no page that refuses."""
    return [page for page in PAGES if refusal(page, role=role, scope=scope) is None]
