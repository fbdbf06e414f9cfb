#ifndef CNCURSES_SHIM_H
#define CNCURSES_SHIM_H

/* The only header that includes curses. Wide-character ncurses needs these two defined
 * before <ncursesw/curses.h> (Package.swift defines them too). */
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif

#include <stdint.h>
#include <wchar.h>

/* Sets the locale from the environment (setlocale(LC_ALL, "")); returns 1 when its
 * codeset is UTF-8, else 0. Call before cncurses_start. */
int cncurses_setup_locale(void);

/* newterm(NULL, stdout, stdin), then raw mode, no echo, keypad, non-blocking input,
 * hidden cursor, a short ESC delay. Returns 0, or -1 when TERM has no terminfo entry.
 * Registers cncurses_restore with atexit (once). */
int cncurses_start(void);

/* Leaves curses mode (endwin) if it is active; does nothing otherwise. Idempotent and
 * guarded by an atomic flag, so a signal handler, atexit and normal code may all call it. */
void cncurses_restore(void);

/* 1 between cncurses_start and cncurses_restore. */
int cncurses_is_active(void);

/* On SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT and SIGTRAP: restore the terminal, then hand
 * the signal to whatever handler was there before (the Swift runtime's backtracer, or the
 * default action). */
void cncurses_install_crash_handlers(void);

/* Colour: has_colors(), then start_color() + use_default_colors(). Returns 1 if usable. */
int cncurses_start_color(void);
int cncurses_init_pair(short pair, short fg, short bg);
int cncurses_color_count(void);

/* Attribute bits (A_BOLD & co. are macros). */
uint32_t cncurses_attr_normal(void);
uint32_t cncurses_attr_bold(void);
uint32_t cncurses_attr_dim(void);
uint32_t cncurses_attr_reverse(void);
uint32_t cncurses_attr_underline(void);

/* getmaxyx(stdscr, rows, cols). */
void cncurses_size(int *rows, int *cols);

/* Draw one character (a base code point plus up to four combining ones, `count` in all)
 * at (row, col) with attributes and a colour pair. */
int cncurses_put(int row, int col, const wchar_t *chars, int count, uint32_t attrs, short pair);
/* Forget what is on the screen: the next refresh repaints everything. */
void cncurses_invalidate(void);
void cncurses_erase(void);
/* wnoutrefresh(stdscr) + doupdate(). */
int cncurses_refresh(void);

/* Non-blocking wget_wch. Returns 0 (no input), 1 (a character in *value) or 2 (a
 * KEY_* code in *value). */
int cncurses_read(uint32_t *value);

/* Key codes (macros in curses.h). */
int cncurses_key_up(void);
int cncurses_key_down(void);
int cncurses_key_left(void);
int cncurses_key_right(void);
int cncurses_key_ppage(void);
int cncurses_key_npage(void);
int cncurses_key_home(void);
int cncurses_key_end(void);
int cncurses_key_backspace(void);
int cncurses_key_dc(void);
int cncurses_key_btab(void);
int cncurses_key_enter(void);
int cncurses_key_resize(void);
/* KEY_F(n). */
int cncurses_key_f(int n);

#endif
