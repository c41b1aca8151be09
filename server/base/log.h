/*
 * log — one line per event on standard error, with a UTC timestamp.
 * Never pass a reporter's contact details to these functions.
 */
#ifndef TRYGG_LOG_H
#define TRYGG_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/* Writes one formatted line at level (thread-safe: one write per line). */
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Suppresses lines below level (default LOG_INFO). */
void log_set_level(enum log_level level);

#endif
