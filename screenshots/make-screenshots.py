#!/usr/bin/python3
"""Render a tmux pane (text + colours) to a PNG, cell by cell.

Two ways in:

  # from a capture made earlier (keep -e for colours, -N for trailing spaces with a background)
  tmux capture-pane -p -e -N -t arptop > arptop.ansi
  screenshots/make-screenshots.py --input arptop.ansi --size 160x48 -o arptop.png

  # straight from a running pane (size read from tmux; -L for a private server)
  screenshots/make-screenshots.py --tmux arptop [-L SOCKET] -o arptop.png [--save-capture arptop.ansi]

Each captured line is fed to a pyte screen after an explicit cursor move (ESC[row;1H), so line
wrapping and trimmed lines cannot shift the picture; attributes carry over from line to line as
tmux writes them. Every cell is then drawn: background, then the glyph in DejaVu Sans Mono
(bold face for bold), with reverse video, dim and underline applied. Box-drawing (U+2500-257F)
and block elements (U+2580-259F) are drawn as rectangles that fill the cell exactly, so rules
join without gaps and bars and sparklines sit on the same baseline whatever the font's metrics.

Needs Debian's python3-pyte, python3-pil and fonts-dejavu-core; run with /usr/bin/python3.
"""

import argparse
import os
import re
import subprocess
import sys

import pyte
from PIL import Image, ImageDraw, ImageFont

FONT_DIR = "/usr/share/fonts/truetype/dejavu"
FONT_REGULAR = os.path.join(FONT_DIR, "DejaVuSansMono.ttf")
FONT_BOLD = os.path.join(FONT_DIR, "DejaVuSansMono-Bold.ttf")

# A dark theme (close to GNOME Terminal's "Tango dark"): the 8 normal and 8 bright colours.
PALETTE = {
    "black": (0x2e, 0x34, 0x36), "red": (0xcc, 0x00, 0x00), "green": (0x4e, 0x9a, 0x06),
    "brown": (0xc4, 0xa0, 0x00), "blue": (0x34, 0x65, 0xa4), "magenta": (0x75, 0x50, 0x7b),
    "cyan": (0x06, 0x98, 0x9a), "white": (0xd3, 0xd7, 0xcf),
    "brightblack": (0x55, 0x57, 0x53), "brightred": (0xef, 0x29, 0x29), "brightgreen": (0x8a, 0xe2, 0x34),
    "brightbrown": (0xfc, 0xe9, 0x4f), "brightblue": (0x72, 0x9f, 0xcf), "brightmagenta": (0xad, 0x7f, 0xa8),
    "brightcyan": (0x34, 0xe2, 0xe2), "brightwhite": (0xee, 0xee, 0xec),
}
DEFAULT_FG = (0xd3, 0xd7, 0xcf)
DEFAULT_BG = (0x1e, 0x1e, 0x1e)
ANSI_NAMES = ["black", "red", "green", "brown", "blue", "magenta", "cyan", "white"]


class Screen(pyte.Screen):
    """A pyte screen with SGR handled here: bright colours kept apart from bold, dim (SGR 2)
    kept (in the otherwise unused `italics` field: ncurses programs such as arptop dim muted text),
    256-colour and 24-bit colours as hex."""

    def select_graphic_rendition(self, *attrs):
        if not attrs or attrs == (0,):
            self.cursor.attrs = self.default_char
            return
        a = list(attrs)
        r = {}
        i = 0
        while i < len(a):
            n = a[i]
            i += 1
            if n == 0:
                r.update(self.default_char._asdict())
                r.pop("data", None)
            elif n == 1:
                r["bold"] = True
            elif n == 2:
                r["italics"] = True  # dim
            elif n == 22:
                r["bold"] = False
                r["italics"] = False
            elif n == 4:
                r["underscore"] = True
            elif n == 24:
                r["underscore"] = False
            elif n == 7:
                r["reverse"] = True
            elif n == 27:
                r["reverse"] = False
            elif n == 9:
                r["strikethrough"] = True
            elif n == 29:
                r["strikethrough"] = False
            elif 30 <= n <= 37:
                r["fg"] = ANSI_NAMES[n - 30]
            elif n == 39:
                r["fg"] = "default"
            elif 40 <= n <= 47:
                r["bg"] = ANSI_NAMES[n - 40]
            elif n == 49:
                r["bg"] = "default"
            elif 90 <= n <= 97:
                r["fg"] = "bright" + ANSI_NAMES[n - 90]
            elif 100 <= n <= 107:
                r["bg"] = "bright" + ANSI_NAMES[n - 100]
            elif n in (38, 48) and i < len(a):
                key = "fg" if n == 38 else "bg"
                mode = a[i]
                i += 1
                if mode == 5 and i < len(a):
                    r[key] = color_256(a[i])
                    i += 1
                elif mode == 2 and i + 2 < len(a):
                    r[key] = "%02x%02x%02x" % (a[i], a[i + 1], a[i + 2])
                    i += 3
            # anything else (blink, italics, fonts) is ignored
        self.cursor.attrs = self.cursor.attrs._replace(**r)


def color_256(n):
    """A 256-colour index as a palette name (0-15) or hex."""
    if n < 8:
        return ANSI_NAMES[n]
    if n < 16:
        return "bright" + ANSI_NAMES[n - 8]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return "%02x%02x%02x" % (steps[n // 36], steps[(n // 6) % 6], steps[n % 6])
    v = 8 + (n - 232) * 10
    return "%02x%02x%02x" % (v, v, v)


def rgb(color, default):
    if color == "default":
        return default
    if color in PALETTE:
        return PALETTE[color]
    if re.fullmatch(r"[0-9a-fA-F]{6}", color):
        return tuple(int(color[k:k + 2], 16) for k in (0, 2, 4))
    return default


def mix(a, b, t):
    return tuple(round(x * (1 - t) + y * t) for x, y in zip(a, b))


# Box drawing: (left, right, up, down) arm weights, 1 light, 2 heavy, 3 double.
def _box_table():
    t = {}
    light = {
        "─": (1, 1, 0, 0), "│": (0, 0, 1, 1), "┌": (0, 1, 0, 1), "┐": (1, 0, 0, 1), "└": (0, 1, 1, 0),
        "┘": (1, 0, 1, 0), "├": (0, 1, 1, 1), "┤": (1, 0, 1, 1), "┬": (1, 1, 0, 1), "┴": (1, 1, 1, 0),
        "┼": (1, 1, 1, 1), "╭": (0, 1, 0, 1), "╮": (1, 0, 0, 1), "╰": (0, 1, 1, 0), "╯": (1, 0, 1, 0),
        "╴": (1, 0, 0, 0), "╶": (0, 1, 0, 0), "╵": (0, 0, 1, 0), "╷": (0, 0, 0, 1),
        "┄": (1, 1, 0, 0), "┈": (1, 1, 0, 0), "╌": (1, 1, 0, 0), "┆": (0, 0, 1, 1), "┊": (0, 0, 1, 1), "╎": (0, 0, 1, 1),
    }
    t.update(light)
    heavy = {"━": "─", "┃": "│", "┏": "┌", "┓": "┐", "┗": "└", "┛": "┘", "┣": "├", "┫": "┤", "┳": "┬",
             "┻": "┴", "╋": "┼", "┅": "─", "┉": "─", "┇": "│", "┋": "│"}
    for h, l in heavy.items():
        t[h] = tuple(2 * v for v in light[l])
    double = {"═": "─", "║": "│", "╔": "┌", "╗": "┐", "╚": "└", "╝": "┘", "╠": "├", "╣": "┤", "╦": "┬",
              "╩": "┴", "╬": "┼"}
    for d, l in double.items():
        t[d] = tuple(3 * v for v in light[l])
    return t


BOX = _box_table()


def draw_box(d, ch, x0, y0, cw, chh, fg):
    """A box-drawing character as bars from the cell's centre to its edges."""
    left, right, up, down = BOX[ch]
    t = max(1, round(cw / 9))  # a light line
    mx, my = x0 + cw // 2, y0 + chh // 2

    def bars(w):
        """(offset from the centre line, thickness) of the strokes of an arm of weight w."""
        if w == 3:  # double: two light strokes, a light stroke apart
            return [(-(3 * t) // 2, t), (-(3 * t) // 2 + 2 * t, t)]
        return [(-(t * w) // 2, t * w)]

    # Each arm runs from the edge to the far side of the centre, so joints are solid.
    reach = (t * 2 + 1) // 2 + (t if 3 in (left, right, up, down) else 0)
    for w, (xa, xb) in ((left, (x0, mx + reach)), (right, (mx - reach, x0 + cw))):
        if w:
            for off, th in bars(w):
                d.rectangle([xa, my + off, xb - 1, my + off + th - 1], fill=fg)
    for w, (ya, yb) in ((up, (y0, my + reach)), (down, (my - reach, y0 + chh))):
        if w:
            for off, th in bars(w):
                d.rectangle([mx + off, ya, mx + off + th - 1, yb - 1], fill=fg)


def draw_block(d, ch, x0, y0, cw, chh, fg, bg):
    o = ord(ch)
    x1, y1 = x0 + cw, y0 + chh
    if o == 0x2588:  # █
        d.rectangle([x0, y0, x1 - 1, y1 - 1], fill=fg)
    elif 0x2581 <= o <= 0x2587:  # ▁..▇ lower n/8
        h = round(chh * (o - 0x2580) / 8)
        if h:
            d.rectangle([x0, y1 - h, x1 - 1, y1 - 1], fill=fg)
    elif 0x2589 <= o <= 0x258F:  # ▉..▏ left 7/8..1/8
        w = max(1, round(cw * (0x2590 - o) / 8))
        d.rectangle([x0, y0, x0 + w - 1, y1 - 1], fill=fg)
    elif o == 0x2580:  # ▀ upper half
        d.rectangle([x0, y0, x1 - 1, y0 + chh // 2 - 1], fill=fg)
    elif o == 0x2590:  # ▐ right half
        d.rectangle([x0 + cw // 2, y0, x1 - 1, y1 - 1], fill=fg)
    elif o == 0x2594:  # ▔ upper 1/8
        d.rectangle([x0, y0, x1 - 1, y0 + max(1, round(chh / 8)) - 1], fill=fg)
    elif o == 0x2595:  # ▕ right 1/8
        d.rectangle([x1 - max(1, round(cw / 8)), y0, x1 - 1, y1 - 1], fill=fg)
    elif o in (0x2591, 0x2592, 0x2593):  # ░ ▒ ▓ as flat shades
        d.rectangle([x0, y0, x1 - 1, y1 - 1], fill=mix(bg, fg, {0x2591: 0.25, 0x2592: 0.5, 0x2593: 0.75}[o]))
    else:  # quadrants (U+2596-259F)
        quads = {0x2596: "3", 0x2597: "4", 0x2598: "1", 0x2599: "134", 0x259A: "14", 0x259B: "123",
                 0x259C: "124", 0x259D: "2", 0x259E: "23", 0x259F: "234"}[o]
        hx, hy = cw // 2, chh // 2
        boxes = {"1": (x0, y0, x0 + hx, y0 + hy), "2": (x0 + hx, y0, x1, y0 + hy),
                 "3": (x0, y0 + hy, x0 + hx, y1), "4": (x0 + hx, y0 + hy, x1, y1)}
        for q in quads:
            a, b, c, e = boxes[q]
            d.rectangle([a, b, c - 1, e - 1], fill=fg)


def is_drawn(ch):
    return ch in BOX or (len(ch) == 1 and 0x2580 <= ord(ch) <= 0x259F)


def render(lines, cols, rows, out, font_size=15, padding=10):
    screen = Screen(cols, rows)
    stream = pyte.Stream(screen)
    for row, line in enumerate(lines[:rows]):
        stream.feed("\x1b[%d;1H" % (row + 1))
        stream.feed(line.rstrip("\r\n"))

    regular = ImageFont.truetype(FONT_REGULAR, font_size)
    bold = ImageFont.truetype(FONT_BOLD, font_size)
    ascent, descent = regular.getmetrics()
    cw = round(regular.getlength("M"))
    chh = ascent + descent + max(1, font_size // 8)
    baseline = (chh - (ascent + descent)) // 2 + ascent

    img = Image.new("RGB", (cols * cw + 2 * padding, rows * chh + 2 * padding), DEFAULT_BG)
    d = ImageDraw.Draw(img)
    for y in range(rows):
        line = screen.buffer[y]
        x = 0
        while x < cols:
            c = line[x]
            ch = c.data or " "
            width = 2 if x + 1 < cols and line[x + 1].data == "" and ch != " " else 1
            fg = rgb(c.fg, DEFAULT_FG)
            bg = rgb(c.bg, DEFAULT_BG)
            if c.reverse:
                fg, bg = bg, fg
            if c.italics:  # dim
                fg = mix(bg, fg, 0.6)
            x0, y0 = padding + x * cw, padding + y * chh
            d.rectangle([x0, y0, x0 + width * cw - 1, y0 + chh - 1], fill=bg)
            if ch != " ":
                if is_drawn(ch):
                    if ch in BOX:
                        draw_box(d, ch, x0, y0, cw, chh, fg)
                    else:
                        draw_block(d, ch, x0, y0, cw, chh, fg, bg)
                else:
                    d.text((x0, y0 + baseline), ch, font=bold if c.bold else regular, fill=fg, anchor="ls")
            if c.underscore:
                d.rectangle([x0, y0 + chh - 2, x0 + width * cw - 1, y0 + chh - 2], fill=fg)
            if c.strikethrough:
                d.rectangle([x0, y0 + chh // 2, x0 + width * cw - 1, y0 + chh // 2], fill=fg)
            x += width
    img.save(out)
    return img.size


def tmux_cmd(socket):
    return ["tmux"] + (["-L", socket] if socket else [])


def capture_tmux(target, socket):
    size = subprocess.run(tmux_cmd(socket) + ["display-message", "-p", "-t", target, "#{pane_width}x#{pane_height}"],
                          check=True, capture_output=True, text=True).stdout.strip()
    text = subprocess.run(tmux_cmd(socket) + ["capture-pane", "-p", "-e", "-N", "-t", target],
                          check=True, capture_output=True, text=True).stdout
    return text, size


def parse_size(s):
    m = re.fullmatch(r"(\d+)x(\d+)", s.strip())
    if not m:
        raise argparse.ArgumentTypeError("size must be COLSxROWS, e.g. 160x48, not %r" % s)
    return int(m.group(1)), int(m.group(2))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                epilog=__doc__.split("\n\n", 1)[1], formatter_class=argparse.RawDescriptionHelpFormatter)
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--input", metavar="FILE", help="output of `tmux capture-pane -p -e [-N]` (- for stdin)")
    src.add_argument("--tmux", metavar="TARGET", help="capture this tmux pane now (e.g. arptop, arptop:0.0)")
    p.add_argument("--size", type=parse_size, metavar="COLSxROWS", help="pane size of --input (e.g. 160x48)")
    p.add_argument("-L", dest="socket", metavar="SOCKET", help="tmux socket name (tmux -L) for --tmux")
    p.add_argument("--save-capture", metavar="FILE", help="with --tmux: also write the raw capture here")
    p.add_argument("-o", "--output", required=True, metavar="PNG")
    p.add_argument("--font-size", type=int, default=15, help="in pixels (default 15)")
    args = p.parse_args()

    if args.tmux:
        try:
            text, size = capture_tmux(args.tmux, args.socket)
        except (OSError, subprocess.CalledProcessError) as e:
            err = getattr(e, "stderr", "") or str(e)
            sys.exit("make-screenshots: cannot capture tmux pane %s: %s" % (args.tmux, err.strip()))
        cols, rows = parse_size(size)
        if args.save_capture:
            with open(args.save_capture, "w", encoding="utf-8") as f:
                f.write(text)
    else:
        if not args.size:
            p.error("--input needs --size COLSxROWS (the pane's size when it was captured)")
        cols, rows = args.size
        try:
            if args.input == "-":
                text = sys.stdin.read()
            else:
                with open(args.input, encoding="utf-8") as f:
                    text = f.read()
        except OSError as e:
            sys.exit("make-screenshots: %s" % e)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if len(lines) > rows:
        print("make-screenshots: %d lines captured but the pane has %d rows; drawing the first %d"
              % (len(lines), rows, rows), file=sys.stderr)
    w, h = render(lines, cols, rows, args.output, font_size=args.font_size)
    print("%s: %dx%d cells, %dx%d pixels" % (args.output, cols, rows, w, h))


if __name__ == "__main__":
    main()
