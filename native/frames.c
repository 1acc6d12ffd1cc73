/*
 * frames.c - one request's conversation with a peer that runs the managed core in another
 * process: the fork helper (helper_client.c) or the resident daemon (broker_client.c).
 * This side sends the request (with the account memo kept on the PAM handle), relays the peer's
 * log lines to pam_syslog, answers its password requests and keeps its memo through libpam, and
 * returns the peer's result.
 * Frames are described in managed/PamMySqlNet.Core/Helper/HelperProtocol.cs.
 *
 * Writes use MSG_NOSIGNAL: a dead peer must not SIGPIPE the host.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>

#include "pmn_shim.h"

#define MAX_FRAME (1u << 20)

struct buf {
    unsigned char *data;
    size_t len, cap;
};

static int buf_put(struct buf *b, const void *p, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        while (cap < b->len + n)
            cap *= 2;
        unsigned char *d = realloc(b->data, cap);
        if (d == NULL)
            return -1;
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
    return 0;
}

static int put_int(struct buf *b, int32_t v)
{
    unsigned char le[4] = { (unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                            (unsigned char)(v >> 24) };
    return buf_put(b, le, 4);
}

static int put_bytes(struct buf *b, const void *p, int32_t n)
{
    if (p == NULL)
        return put_int(b, -1);
    return put_int(b, n) || buf_put(b, p, (size_t)n);
}

static int put_str(struct buf *b, const char *s)
{
    return put_bytes(b, s, s == NULL ? -1 : (int32_t)strlen(s));
}

static void buf_wipe(struct buf *b)
{
    if (b->data != NULL)
        explicit_bzero(b->data, b->cap);
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

static int32_t get_int(const unsigned char *p)
{
    return (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
}

static int send_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n > 0) {
        ssize_t w = send(fd, c, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1; /* includes EAGAIN after SO_SNDTIMEO */
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

static int send_frame(int fd, char type, const struct buf *payload)
{
    unsigned char head[5] = { (unsigned char)type };
    uint32_t n = (uint32_t)payload->len;
    head[1] = (unsigned char)n; head[2] = (unsigned char)(n >> 8);
    head[3] = (unsigned char)(n >> 16); head[4] = (unsigned char)(n >> 24);
    return send_all(fd, head, 5) || send_all(fd, payload->data, payload->len);
}

static long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Reads n bytes; a silence of idle_ms (counted from the call, signals do not extend it) fails. */
static int recv_all(int fd, void *p, size_t n, int idle_ms)
{
    char *c = p;
    long deadline = now_ms() + idle_ms;
    while (n > 0) {
        long left = deadline - now_ms();
        if (left <= 0)
            return -1;
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        int r = poll(&pfd, 1, (int)left);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1; /* timeout or error */
        ssize_t got = recv(fd, c, n, MSG_DONTWAIT);
        if (got < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (got <= 0)
            return -1;
        c += got;
        n -= (size_t)got;
    }
    return 0;
}

/* Reads one frame; *payload is malloc'ed and NUL-terminated after len bytes (caller wipes, frees). */
static int recv_frame(int fd, int idle_ms, char *type, unsigned char **payload, uint32_t *len)
{
    unsigned char head[5];
    if (recv_all(fd, head, 5, idle_ms) != 0)
        return -1;
    *type = (char)head[0];
    *len = (uint32_t)get_int(head + 1);
    if (*len > MAX_FRAME)
        return -1;
    *payload = malloc(*len + 1);
    if (*payload == NULL)
        return -1;
    if (recv_all(fd, *payload, *len, idle_ms) != 0) {
        free(*payload);
        return -1;
    }
    (*payload)[*len] = '\0';
    return 0;
}

/* The request, and the memo kept on the PAM handle (NULL if none): the account check right after
 * an authentication needs it, and carried here it costs no round trip. */
static int encode_request(struct buf *b, const pmn_request *r)
{
    int bad = put_int(b, (int32_t)r->abi_version) || put_int(b, r->operation) || put_int(b, r->flags)
              || put_int(b, r->argc);
    for (int i = 0; !bad && i < r->argc; i++)
        bad = put_str(b, r->argv[i]);
    unsigned char memo[PMN_MEMO_MAX];
    int32_t n = r->callbacks->recall(r->callbacks->ctx, memo, sizeof memo);
    bad = bad || put_str(b, r->user) || put_str(b, r->service) || put_str(b, r->rhost)
          || put_int(b, r->caller_uid) || put_int(b, r->caller_pid) || put_bytes(b, n >= 0 ? memo : NULL, n);
    explicit_bzero(memo, sizeof memo);
    return bad;
}

/* Reads the string at *offset of a payload (NUL-terminated copy in out, at most cap bytes). */
static int get_str(const unsigned char *payload, uint32_t len, uint32_t *offset, char *out, size_t cap)
{
    if (*offset + 4 > len)
        return -1;
    int32_t n = get_int(payload + *offset);
    *offset += 4;
    if (n < 0) {
        out[0] = '\0';
        return 1; /* NULL */
    }
    if ((uint32_t)n > len - *offset || (size_t)n >= cap)
        return -1;
    memcpy(out, payload + *offset, (size_t)n);
    out[n] = '\0';
    *offset += (uint32_t)n;
    return 0;
}

/* The one field of a payload that is (int, bytes) with the bytes ending exactly at the end:
 * returns the bytes' length, or -1. */
static int32_t tail_bytes(const unsigned char *payload, uint32_t len)
{
    if (len < 8)
        return -1;
    int32_t n = get_int(payload + 4);
    return n >= 0 && (uint32_t)n == len - 8 ? n : -1;
}

/* Sends a 'T' reply: a PAM code and bytes (or NULL). */
static int send_reply(int fd, int rc, const void *data, int32_t n)
{
    struct buf reply = { 0 };
    int bad = put_int(&reply, rc) || put_bytes(&reply, data, n) || send_frame(fd, 'T', &reply);
    buf_wipe(&reply);
    return bad ? -1 : 0;
}

/* 'A' (item, mode, prompt): asks libpam for a password. */
static int answer_authtok(int fd, const pmn_request *r, const unsigned char *payload, uint32_t len)
{
    const char *token = NULL;
    char prompt[256];
    uint32_t offset = 8;
    int rc = len >= 8 && get_str(payload, len, &offset, prompt, sizeof prompt) >= 0
        ? r->callbacks->get_authtok(r->callbacks->ctx, get_int(payload), get_int(payload + 4), prompt, &token)
        : PAM_CONV_ERR;
    const char *sent = rc == PAM_SUCCESS ? token : NULL;
    return send_reply(fd, rc, sent, sent == NULL ? -1 : (int32_t)strlen(sent));
}

/* 'S' (item, password): stores a PAM item. */
static int answer_set_authtok(int fd, const pmn_request *r, const unsigned char *payload, uint32_t len)
{
    int rc = PAM_CONV_ERR;
    int32_t n = tail_bytes(payload, len);
    /* payload is NUL-terminated after len bytes, so the string ends at the payload's end */
    if (n >= 0 && memchr(payload + 8, '\0', (size_t)n) == NULL)
        rc = r->callbacks->set_authtok(r->callbacks->ctx, get_int(payload), (const char *)payload + 8);
    return send_reply(fd, rc, NULL, -1);
}

/* 'M' (bytes): keeps the memo with the PAM handle; no reply. */
static void keep_memo(const pmn_request *r, const unsigned char *payload, uint32_t len)
{
    if (len >= 4) {
        int32_t n = get_int(payload);
        if (n >= 0 && (uint32_t)n == len - 4 && (uint32_t)n <= PMN_MEMO_MAX)
            (void)r->callbacks->remember(r->callbacks->ctx, payload + 4, (uint32_t)n);
    }
}

/* 'L' (priority, text): relays a log line. */
static void relay_log(const pmn_request *r, const unsigned char *payload, uint32_t len)
{
    /* payload is NUL-terminated after len bytes; the string ends exactly at the payload's end */
    if (tail_bytes(payload, len) >= 0)
        r->callbacks->log(r->callbacks->ctx, get_int(payload), (const char *)payload + 8);
}

int pmn_frames_exchange(int fd, const pmn_request *request, int idle_ms, int32_t *peer_version)
{
    int result = PMN_EXCHANGE_FAILED;
    struct buf req = { 0 };
    if (encode_request(&req, request) == 0 && send_frame(fd, 'Q', &req) == 0) {
        char type;
        unsigned char *payload;
        uint32_t len;
        while (result == PMN_EXCHANGE_FAILED && recv_frame(fd, idle_ms, &type, &payload, &len) == 0) {
            int bad = 0;
            if (type == 'H' && len == 0)
                ; /* heartbeat: the peer is alive and working */
            else if (type == 'L')
                relay_log(request, payload, len);
            else if (type == 'A')
                bad = answer_authtok(fd, request, payload, len);
            else if (type == 'S')
                bad = answer_set_authtok(fd, request, payload, len);
            else if (type == 'D' && len == 4)
                request->callbacks->fail_delay(request->callbacks->ctx, (unsigned int)get_int(payload));
            else if (type == 'M')
                keep_memo(request, payload, len);
            else if (type == 'V' && len == 4) {
                *peer_version = get_int(payload);
                result = PMN_EXCHANGE_VERSION;
            } else if (type == 'R' && len == 4 && get_int(payload) >= 0)
                result = get_int(payload);
            else
                bad = 1;
            explicit_bzero(payload, len);
            free(payload);
            if (bad)
                break;
        }
    }
    buf_wipe(&req);
    return result;
}
