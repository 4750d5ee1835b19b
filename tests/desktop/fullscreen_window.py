"""A plain Tk window a test can put into and out of full screen by writing to its stdin.

Run: `python -m tests.desktop.fullscreen_window TITLE`. It prints `SHOWN <window id>` once
mapped; each stdin line `on` / `off` sets the full-screen attribute and prints `FULLSCREEN on`
/ `FULLSCREEN off` once the window manager has applied it (a geometry check). EOF closes it.
"""

from __future__ import annotations

import sys
import tkinter


def main() -> None:
    title = sys.argv[1] if len(sys.argv) > 1 else "Film"
    root = tkinter.Tk(className="FakeFilm")
    root.title(title)
    root.geometry("480x270+100+120")
    root.configure(background="#1f4e79")
    tkinter.Label(
        root, text=title, font=("DejaVu Sans", 28), foreground="white", background="#1f4e79"
    ).pack(expand=True)
    wanted: list[bool] = []

    def report() -> None:
        if not wanted:
            return
        full = root.winfo_width() >= root.winfo_screenwidth()
        if full == wanted[-1]:
            print(f"FULLSCREEN {'on' if full else 'off'}", flush=True)
            wanted.clear()
        else:
            root.after(50, report)

    def command(_file: object, _mask: int) -> None:
        line = sys.stdin.readline()
        if not line:
            root.destroy()
            return
        on = line.strip() == "on"
        root.attributes("-fullscreen", on)
        wanted.append(on)
        root.after(50, report)

    root.tk.createfilehandler(sys.stdin, tkinter.READABLE, command)

    def shown() -> None:
        if not root.winfo_viewable():
            root.after(20, shown)
            return
        root.focus_force()
        print(f"SHOWN {root.winfo_id()}", flush=True)

    root.after(0, shown)
    root.mainloop()


if __name__ == "__main__":
    main()
