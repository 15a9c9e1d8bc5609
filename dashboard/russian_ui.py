"""Russian for the few strings Streamlit's own widgets draw in English.

Streamlit offers `placeholder`/`format` parameters for most texts; the rest («Select all»,
«No results», the file uploader's «Upload» and «200MB per file», the «Page not found»
dialog) are replaced in the browser by one observer, installed once per tab.
"""

import json

import streamlit as st

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
}
# Texts with a number inside: a regular expression -> its Russian replacement.
PATTERNS = {
    r"^(\d+(?:\.\d+)?)\s*([KMG]?B) per file": "до $1 $2 на файл",
    r"^Select (\d+) matches$": "Выбрать найденные ($1)",
    r"^Add: (.*)$": "Добавить: $1",
    r"^(You have requested page|The page that you have requested).*main page\.$": (
        "Такой страницы нет. Открыта главная страница."
    ),
}

_SCRIPT = """
<script>
(() => {
  if (window.__otklikRussian) return;
  window.__otklikRussian = true;
  const words = %s;
  const patterns = Object.entries(%s).map(([p, r]) => [new RegExp(p), r]);
  const translate = (text) => {
    const trimmed = text.trim();
    if (words[trimmed] !== undefined) return text.replace(trimmed, words[trimmed]);
    for (const [pattern, replacement] of patterns) {
      if (pattern.test(trimmed)) {
        return text.replace(trimmed, trimmed.replace(pattern, replacement));
      }
    }
    return null;
  };
  const fix = (root) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const russian = translate(node.nodeValue);
      if (russian !== null) node.nodeValue = russian;
    }
    const inputs = root.querySelectorAll ? root.querySelectorAll('[placeholder]') : [];
    for (const input of inputs) {
      const russian = translate(input.getAttribute('placeholder'));
      if (russian !== null) input.setAttribute('placeholder', russian);
    }
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
        }
      }
      if (change.type === 'attributes' && change.target.hasAttribute('placeholder')) {
        const russian = translate(change.target.getAttribute('placeholder'));
        if (russian !== null) change.target.setAttribute('placeholder', russian);
      }
    }
  }).observe(document.body, {
    childList: true, subtree: true, characterData: true,
    attributes: true, attributeFilter: ['placeholder'],
  });
})();
</script>
"""


def install() -> None:
    """Add the translating observer to the page (a no-op when this tab already has it)."""
    st.html(
        _SCRIPT % (json.dumps(TRANSLATIONS), json.dumps(PATTERNS)),
        unsafe_allow_javascript=True,
    )
