"""Which language to speak and its catalogue: the person's setting, else the desktop's language.

Where the desktop says it (`desktop_languages`):
- Linux and other Unix: `LANGUAGE` (a colon-separated list of preferences, as GNU gettext reads
  it), then the first of `LC_ALL`, `LC_MESSAGES`, `LANG`; "C" and "POSIX" mean no preference.
- Windows: the user's UI language (`GetUserDefaultUILanguage`), not the formats' locale.
- macOS: the preferred languages in System Settings (`AppleLanguages`, in their order).
The catalogues are the compiled `locale/<code>/LC_MESSAGES/posture_guard.mo` files of the package
(stdlib gettext; Babel only compiles them). A language without a catalogue falls through to the
next preference, and to English at the end.
"""

from __future__ import annotations

import gettext
import os
import re
import subprocess
import sys
from collections.abc import Mapping, MutableMapping, Sequence
from pathlib import Path
from typing import Final

from posture_guard.core import i18n

DOMAIN: Final = "posture_guard"
LOCALE_DIR: Final = Path(__file__).resolve().parents[1] / "locale"
#: Environment variables read on Unix, in order of precedence after LANGUAGE.
_LOCALE_VARS: Final = ("LC_ALL", "LC_MESSAGES", "LANG")
_NO_PREFERENCE: Final = frozenset({"", "C", "POSIX"})
_CODE: Final = re.compile(r"^[A-Za-z]{2,3}(?:_[A-Za-z0-9]{2,4})?$")

#: The words argparse shows people (Python 3.11's, as written there), marked here so that the
#: catalogues carry them: argparse looks them up in the global gettext domain, set to ours.
ARGPARSE_WORDS: Final = (
    i18n.N_("usage: "),
    i18n.N_("positional arguments"),
    i18n.N_("options"),
    i18n.N_("show this help message and exit"),
    i18n.N_("%(prog)s: error: %(message)s\n"),
    i18n.N_("argument %(argument_name)s: %(message)s"),
    i18n.N_("unrecognized arguments: %s"),
    i18n.N_("not allowed with argument %s"),
    i18n.N_("ignored explicit argument %r"),
    i18n.N_("the following arguments are required: %s"),
    i18n.N_("one of the arguments %s is required"),
    i18n.N_("expected one argument"),
    i18n.N_("expected at most one argument"),
    i18n.N_("expected at least one argument"),
    i18n.N_("ambiguous option: %(option)s could match %(matches)s"),
    i18n.N_("unexpected option string: %s"),
    i18n.N_("invalid %(type)s value: %(value)r"),
    i18n.N_("invalid choice: %(value)r (choose from %(choices)s)"),
    i18n.N_("can't open '%(filename)s': %(error)s"),
)


def language_code(value: str) -> str | None:
    """`de_DE.UTF-8@euro` -> `de_DE`, `hi-IN` -> `hi_IN`; None for "C", "POSIX" or nonsense."""
    code = value.split(".", 1)[0].split("@", 1)[0].replace("-", "_").strip()
    if code in _NO_PREFERENCE or not _CODE.match(code):
        return None
    return code


def unix_languages(env: Mapping[str, str]) -> list[str]:
    """The preferences the environment gives, first first (LANGUAGE's list, then the locale)."""
    wanted = [code for part in env.get("LANGUAGE", "").split(":") if (code := language_code(part))]
    for name in _LOCALE_VARS:
        value = env.get(name, "")
        if value:
            code = language_code(value)
            if code is not None:
                wanted.append(code)
            break
    return _unique(wanted)


def windows_language(langid: int) -> str | None:
    """The code for a Windows LANGID (0x0407 -> `de_DE`, 0x0439 -> `hi_IN`), or None."""
    import locale  # noqa: PLC0415 - its table is needed here only

    name = locale.windows_locale.get(langid)
    return None if name is None else language_code(name)


def apple_languages(defaults_output: str) -> list[str]:
    """The codes in `defaults read -g AppleLanguages` output (`("de-DE", "en-US")`), in order."""
    found = re.findall(r'"?([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,4})*)"?\s*[,)\n]', defaults_output)
    codes = []
    for item in found:
        parts = item.split("-")
        # "zh-Hans-CN": script and region; gettext knows language and region only
        region = next((p for p in parts[1:] if len(p) in (2, 3) and p.isalnum()), None)
        code = language_code(parts[0] if region is None else f"{parts[0]}_{region}")
        if code is not None:
            codes.append(code)
    return _unique(codes)


def desktop_languages(env: Mapping[str, str] | None = None) -> list[str]:
    """The desktop's language preferences, first first; [] when it states none."""
    environ = os.environ if env is None else env
    if sys.platform == "win32":
        import ctypes  # noqa: PLC0415 - Windows only

        code = windows_language(int(ctypes.windll.kernel32.GetUserDefaultUILanguage()))
        return _unique(unix_languages(environ) + ([code] if code else []))
    elif sys.platform == "darwin":
        return _unique(unix_languages(environ) + apple_languages(_defaults_output()))
    else:
        return unix_languages(environ)


def _defaults_output() -> str:
    try:
        return subprocess.run(
            ["defaults", "read", "-g", "AppleLanguages"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return ""


def available(locale_dir: Path = LOCALE_DIR) -> tuple[str, ...]:
    """The codes that have a compiled catalogue, sorted."""
    return tuple(
        sorted(
            mo.parents[1].name
            for mo in locale_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.mo")
            if mo.is_file()
        )
    )


def translations(locale_dir: Path = LOCALE_DIR) -> dict[str, i18n.Catalogue]:
    """Every catalogue but English, by its code: for the files that carry each language's words
    side by side (the launcher's `Name[de]=`...)."""
    return {
        code: catalogue_for([code], locale_dir)[0]
        for code in available(locale_dir)
        if not code.startswith("en")
    }


def catalogue_for(
    preferences: Sequence[str], locale_dir: Path = LOCALE_DIR
) -> tuple[i18n.Catalogue, str]:
    """The catalogue of the first preference that has one (`de_AT` finds `de`), and its code;
    English when none has."""
    for code in preferences:
        for candidate in _unique([code, code.split("_", 1)[0]]):
            path = locale_dir / candidate / "LC_MESSAGES" / f"{DOMAIN}.mo"
            if path.is_file():
                with path.open("rb") as file:
                    return gettext.GNUTranslations(file), candidate
        if code.split("_", 1)[0] == "en":
            break  # English asked for before any catalogue: English it is
    return i18n.English(), "en"


def install(setting: str | None = None, env: MutableMapping[str, str] | None = None) -> str:
    """Speak the language `setting` names (a code such as "hi"), else the desktop's (also when
    the setting's has no catalogue); returns the code of the language now in use ("en" when
    no preference has a catalogue).

    The choice is also written to `LANGUAGE` in `env` (the process's environment unless given):
    argparse looks its words ("usage:", "options:") up in the global gettext domain, bound here
    to ours, which reads the language from there; and the windows and helpers this process
    starts speak the same language.
    """
    environ = os.environ if env is None else env
    preferences = ([setting] if setting else []) + desktop_languages(environ)
    catalogue, code = catalogue_for(preferences)
    i18n.use(catalogue, code)
    environ["LANGUAGE"] = code
    gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
    gettext.textdomain(DOMAIN)
    return code


def _unique(codes: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(codes))
