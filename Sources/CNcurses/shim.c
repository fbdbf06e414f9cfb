#include "cncurses.h"

#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <ncursesw/curses.h>

static volatile sig_atomic_t cncurses_active = 0;
static SCREEN *cncurses_screen = NULL;

int cncurses_setup_locale(void) {
    setlocale(LC_ALL, "");
    const char *codeset = nl_langinfo(CODESET);
    return codeset != NULL && (strcmp(codeset, "UTF-8") == 0 || strcmp(codeset, "utf8") == 0);
}

void cncurses_restore(void) {
    if (__atomic_exchange_n(&cncurses_active, 0, __ATOMIC_SEQ_CST)) {
        endwin();  /* restores tty modes, the cursor and the normal screen */
        fflush(stdout);
    }
}

int cncurses_is_active(void) { return cncurses_active != 0; }

int cncurses_start(void) {
    static int registered = 0;
    if (cncurses_active) return 0;
    if (cncurses_screen == NULL) {
        cncurses_screen = newterm(NULL, stdout, stdin);
        if (cncurses_screen == NULL) return -1;
    } else {
        refresh();  /* back from endwin: curses mode again */
    }
    cncurses_active = 1;
    if (!registered) {
        atexit(cncurses_restore);
        registered = 1;
    }
    raw();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    leaveok(stdscr, TRUE);
    scrollok(stdscr, FALSE);
    curs_set(0);
    set_escdelay(25);
    return 0;
}

static const int crash_signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP};
#define CRASH_SIGNALS (sizeof crash_signals / sizeof crash_signals[0])
static struct sigaction previous_actions[CRASH_SIGNALS];

static void crash_handler(int sig) {
    cncurses_restore();
    for (size_t i = 0; i < CRASH_SIGNALS; i++) {
        if (crash_signals[i] == sig) {
            sigaction(sig, &previous_actions[i], NULL);
            break;
        }
    }
    /* A fault re-executes and reaches the previous handler; a raised signal is re-raised. */
    raise(sig);
}

void cncurses_install_crash_handlers(void) {
    static int installed = 0;
    if (installed) return;
    installed = 1;
    for (size_t i = 0; i < CRASH_SIGNALS; i++) {
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_handler = crash_handler;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_NODEFER;
        sigaction(crash_signals[i], &action, &previous_actions[i]);
    }
}

int cncurses_start_color(void) {
    if (!has_colors()) return 0;
    if (start_color() != OK) return 0;
    use_default_colors();
    return 1;
}

int cncurses_init_pair(short pair, short fg, short bg) { return init_pair(pair, fg, bg); }
int cncurses_color_count(void) { return COLORS; }

uint32_t cncurses_attr_normal(void) { return (uint32_t)A_NORMAL; }
uint32_t cncurses_attr_bold(void) { return (uint32_t)A_BOLD; }
uint32_t cncurses_attr_dim(void) { return (uint32_t)A_DIM; }
uint32_t cncurses_attr_reverse(void) { return (uint32_t)A_REVERSE; }
uint32_t cncurses_attr_underline(void) { return (uint32_t)A_UNDERLINE; }

void cncurses_size(int *rows, int *cols) {
    int r = 0, c = 0;
    if (stdscr != NULL) getmaxyx(stdscr, r, c);
    *rows = r;
    *cols = c;
}

int cncurses_put(int row, int col, const wchar_t *chars, int count, uint32_t attrs, short pair) {
    wchar_t text[CCHARW_MAX + 1];
    int n = count < CCHARW_MAX ? count : CCHARW_MAX;
    for (int i = 0; i < n; i++) text[i] = chars[i];
    text[n] = L'\0';
    cchar_t cell;
    if (setcchar(&cell, text, (attr_t)attrs, pair, NULL) != OK) return ERR;
    return mvwadd_wch(stdscr, row, col, &cell);
}

void cncurses_invalidate(void) { clearok(curscr, TRUE); }
void cncurses_erase(void) { werase(stdscr); }

int cncurses_refresh(void) {
    wnoutrefresh(stdscr);
    return doupdate();
}

int cncurses_read(uint32_t *value) {
    wint_t ch = 0;
    int rc = wget_wch(stdscr, &ch);
    if (rc == ERR) return 0;
    *value = (uint32_t)ch;
    return rc == KEY_CODE_YES ? 2 : 1;
}

int cncurses_key_up(void) { return KEY_UP; }
int cncurses_key_down(void) { return KEY_DOWN; }
int cncurses_key_left(void) { return KEY_LEFT; }
int cncurses_key_right(void) { return KEY_RIGHT; }
int cncurses_key_ppage(void) { return KEY_PPAGE; }
int cncurses_key_npage(void) { return KEY_NPAGE; }
int cncurses_key_home(void) { return KEY_HOME; }
int cncurses_key_end(void) { return KEY_END; }
int cncurses_key_backspace(void) { return KEY_BACKSPACE; }
int cncurses_key_dc(void) { return KEY_DC; }
int cncurses_key_btab(void) { return KEY_BTAB; }
int cncurses_key_enter(void) { return KEY_ENTER; }
int cncurses_key_resize(void) { return KEY_RESIZE; }
int cncurses_key_f(int n) { return KEY_F(n); }
