"""Russian for the few strings Streamlit's own widgets draw in English.

Texts, placeholders, tooltips (`title`) and screen-reader labels (`aria-label`) alike.
tests/dashboard/test_streamlit_strings.py lists every English string the installed
Streamlit's widgets carry (read from its frontend bundles) and fails on one without Russian.

Streamlit offers `placeholder`/`format` parameters for most texts; the rest («Select all»,
«No results», the file uploader's «Upload» and «200MB per file», the «Page not found»
dialog, a table's column menu and its hover toolbar, an empty date field's «dd.mm.yyyy»)
are replaced in the browser by one observer, installed once per tab.
tests/dashboard/test_console_browser.py walks every page and fails on any Latin word left
visible (outside a short list of names such as VK, SLA, CSV).
"""

import json

import streamlit as st

_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_MONTHS_RU = "январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь"
_MONTHS_RU_LIST = _MONTHS_RU.split()

# English text drawn by Streamlit's frontend -> what a Russian console says instead.
TRANSLATIONS = {
    "Select all": "Выбрать все",
    "No results": "Ничего не найдено",
    "Choose options": "Выберите…",
    "Choose an option": "Выберите…",
    "Clear all": "Очистить",
    "Drag and drop file here": "Перетащите файл сюда",
    "Drag and drop files here": "Перетащите файлы сюда",
    "Browse files": "Выбрать файл",
    "Upload": "Загрузить",
    "Page not found": "Страница не найдена",
    "Running the app's main page.": "Открыта главная страница.",
    "Press Enter to apply": "Нажмите Enter, чтобы применить",
    "Press Enter to submit form": "Нажмите Enter, чтобы отправить",
    "Choose or add an option": "Выберите или добавьте…",
    "Choose or add options": "Выберите или добавьте…",
    "Add an option": "Добавьте вариант",
    "Add options": "Добавьте варианты",
    "No options to select": "Выбирать не из чего",
    "Selected values": "Выбрано",
    "Multiselect options": "Варианты",
    "Selectbox options": "Варианты",
    "Open": "Открыть",
    "Clear value": "Очистить",
    "Clear date": "Очистить дату",
    "Clear dates": "Очистить даты",
    "Choose date": "Выберите дату",
    "Choose date range": "Выберите период",
    "Quick select a date range": "Быстрый выбор периода",
    "Add files": "Добавить файлы",
    "Increment": "Больше",
    "Decrement": "Меньше",
    # a table's column menu (a click on its header) and its submenus
    "Sort ascending": "По возрастанию",
    "Sort descending": "По убыванию",
    "Statistics": "Статистика",
    "Format": "Формат",
    "Autosize": "Ширина по содержимому",
    "Pin column": "Закрепить столбец",
    "Unpin column": "Открепить столбец",
    "Hide column": "Скрыть столбец",
    "Copy column name": "Копировать название столбца",
    "Dataframe column menu": "Меню столбца",
    "Rename": "Переименовать",
    "Count": "Количество",
    "Top values frequency chart": "Частые значения",
    "Average": "Среднее",
    "Average length": "Средняя длина",
    "Median": "Медиана",
    "Minimum": "Минимум",
    "Minimum length": "Наименьшая длина",
    "Maximum": "Максимум",
    "Maximum length": "Наибольшая длина",
    "Sum": "Сумма",
    "Range": "Размах",
    "Standard deviation": "Стандартное отклонение",
    "Distinct": "Различных",
    "Empty": "Пустых",
    "Values": "Значений",
    "Based on sample": "По выборке",
    "No data": "Нет данных",
    "No content": "Пусто",
    "Automatic": "Автоматически",
    "Localized": "Как принято в регионе",
    "Plain": "Без оформления",
    "Compact": "Кратко",
    "Dollar": "Доллары",
    "Euro": "Евро",
    "Yen": "Иены",
    "Percent": "Проценты",
    "Scientific": "Экспоненциально",
    "Accounting": "Бухгалтерский",
    "Duration": "Длительность",
    "Distance": "Сколько прошло",
    "Calendar": "Календарь",
    # the hover toolbar of tables and charts, and a chart's menu
    "Download as CSV": "Скачать CSV",
    "Download as PNG": "Скачать PNG",
    "Search": "Поиск",
    "Fullscreen": "Во весь экран",
    "Close fullscreen": "Выйти из полноэкранного режима",
    "Show data": "Показать данные",
    "Show chart": "Показать график",
    "Clear selection": "Снять выделение",
    "Add row": "Добавить строку",
    "Delete row": "Удалить строку",
    "Delete rows": "Удалить строки",
    "Delete row(s)": "Удалить строки",
    "Edit": "Изменить",
    "Cancel (Escape)": "Отмена (Escape)",
    "Close Search": "Закрыть поиск",
    "Next Result": "Следующее совпадение",
    "Previous Result": "Предыдущее совпадение",
    "Show/hide columns": "Показать или скрыть столбцы",
    "Copy to clipboard": "Копировать",
    "Copied": "Скопировано",
    "Skip to main content": "Перейти к содержимому",
    # a date field: its empty segments and its calendar (Streamlit draws it in en-US)
    "dd": "дд",
    "mm": "мм",
    "yyyy": "гггг",
    "Date range": "Период",
    "Select...": "Выберите…",
    **dict(zip(_MONTHS, _MONTHS_RU_LIST, strict=True)),
}
# A calendar's weekday initials (S M T W T F S, Sunday first) by column: one letter is
# ambiguous (S, T), so these are replaced by position inside a date field's calendar only.
WEEKDAYS = ["вс", "пн", "вт", "ср", "чт", "пт", "сб"]
# Texts with a number inside: a regular expression -> its Russian replacement.
PATTERNS = {
    r"^(\d+(?:\.\d+)?)\s*([KMG]?B) per file": "до $1 $2 на файл",
    r"^Select (\d+) matches$": "Выбрать найденные ($1)",
    r"^Add: (.*)$": "Добавить: $1",
    r"^Save \((.+)\+Enter\)$": "Сохранить ($1+Enter)",  # a data editor's cell editor
    # an empty date field's placeholder (format="DD.MM.YYYY"), one day or a range
    r"^dd\.mm\.yyyy$": "дд.мм.гггг",
    r"^dd\.mm\.yyyy(\s*\S\s*)dd\.mm\.yyyy$": "дд.мм.гггг$1дд.мм.гггг",
    r"^(You have requested page|The page that you have requested).*main page\.$": (
        "Такой страницы нет. Открыта главная страница."
    ),  # Streamlit's own box for a failure no `dashboard.failure.guarded` caught (a callback's)
    r"^This app has encountered an error\..*$": (
        "Действие не выполнено из-за внутренней ошибки. Обновите страницу; если ошибка "
        "повторится, сообщите администратору. Подробности записаны в журнал консоли."
    ),
}

# Only in tooltips and screen-reader labels (a post's own text may start so).
ATTRIBUTE_PATTERNS = {
    r"^Remove (.+)$": "Убрать $1",  # a multiselect chip's cross
}

# English that has nothing to say in a Russian console, hidden by a style the observer puts in
# the tab's <head> once (it outlives the run: a failing callback's run draws nothing): the
# «Copy», «Ask Google» and «Ask ChatGPT» links of Streamlit's error box, which would send a
# failure's text out of the region's network.
HIDDEN_CSS = "[data-testid=stException] :is(a, button) {display: none;}"

_SCRIPT = r"""
<script>
(() => {
  if (window.__otklikRussian) return;
  window.__otklikRussian = true;
  const hidden = document.createElement('style');
  hidden.textContent = %s;
  document.head.appendChild(hidden);
  const words = %s;
  const patterns = Object.entries(%s).map(([p, r]) => [new RegExp(p), r]);
  const attributePatterns = Object.entries(%s).map(([p, r]) => [new RegExp(p), r]);
  const translate = (text, extra = []) => {
    const trimmed = text.trim();
    if (words[trimmed] !== undefined) return text.replace(trimmed, words[trimmed]);
    const monthYear = trimmed.match(/^([A-Z][a-z]+) (\d{4})$/);  // a calendar's title
    if (monthYear && words[monthYear[1]] !== undefined) {
      return text.replace(trimmed, words[monthYear[1]] + ' ' + monthYear[2]);
    }
    for (const [pattern, replacement] of [...patterns, ...extra]) {
      if (pattern.test(trimmed)) {
        return text.replace(trimmed, trimmed.replace(pattern, replacement));
      }
    }
    return null;
  };
  const weekdays = %s;
  const fixWeekdays = (root) => {
    const cells = root.querySelectorAll
      ? root.querySelectorAll('[role=application] thead th') : [];
    for (const cell of cells) {
      const russian = weekdays[cell.cellIndex];
      if (russian && cell.textContent.trim().length === 1) cell.textContent = russian;
    }
  };
  // placeholders show; titles and aria-labels are tooltips and what a screen reader says
  const attributes = ['placeholder', 'title', 'aria-label'];
  const selector = attributes.map((name) => `[${name}]`).join(', ');
  const fixAttributes = (element) => {
    for (const name of attributes) {
      const value = element.getAttribute(name);
      const russian = value === null ? null : translate(value, attributePatterns);
      if (russian !== null) element.setAttribute(name, russian);
    }
  };
  const fix = (root) => {
    fixWeekdays(root);
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const russian = translate(node.nodeValue);
      if (russian !== null) node.nodeValue = russian;
    }
    const attributed = root.querySelectorAll ? root.querySelectorAll(selector) : [];
    for (const element of attributed) fixAttributes(element);
    if (root.matches && root.matches(selector)) fixAttributes(root);
  };
  fix(document.body);
  new MutationObserver((changes) => {
    for (const change of changes) {
      if (change.type === 'characterData') {
        const russian = translate(change.target.nodeValue);
        if (russian !== null) change.target.nodeValue = russian;
      }
      for (const node of change.addedNodes) {
        if (node.nodeType === Node.TEXT_NODE) {
          const russian = translate(node.nodeValue);
          if (russian !== null) node.nodeValue = russian;
        } else if (node.nodeType === Node.ELEMENT_NODE) {
          fix(node);
          if (node.closest && node.closest('[role=application]')) {
            fixWeekdays(node.closest('[role=application]'));
          }
        }
      }
      if (change.type === 'attributes') fixAttributes(change.target);
    }
  }).observe(document.body, {
    childList: true, subtree: true, characterData: true,
    attributes: true, attributeFilter: attributes,
  });
})();
</script>
"""


def install() -> None:
    """Add the translating observer to the page (a no-op when this tab already has it)."""
    st.html(
        _SCRIPT
        % (
            json.dumps(HIDDEN_CSS),
            json.dumps(TRANSLATIONS),
            json.dumps(PATTERNS),
            json.dumps(ATTRIBUTE_PATTERNS),
            json.dumps(WEEKDAYS),
        ),
        unsafe_allow_javascript=True,
    )
