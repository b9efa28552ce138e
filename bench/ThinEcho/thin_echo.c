/*
 * The floor for the load test: the thinnest XEP-0114 echo there can be. One thread, blocking sockets, no XML
 * parser: it finds each </message>, swaps the from and to attribute values by position, and writes everything a
 * read produced back in one send. Whatever ComponentSdk's Echo measures is compared with this, in the same sitting.
 *
 * Takes the load tool's arguments: --Component:Host=, --Component:Port=, --Component:Hostname=,
 * --Component:Password= (others are ignored).
 *
 *   gcc -O2 -o thin-echo thin_echo.c
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUFFER_SIZE (1 << 20)

/* SHA-1 (FIPS 180-4), for the handshake only. */
static uint32_t rotl(uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }

static void sha1_block(uint32_t h[5], const unsigned char *p)
{
    uint32_t w[80];
    for (int i = 0; i < 16; i++) w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 80; i++) w[i] = rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (int i = 0; i < 80; i++)
    {
        uint32_t f, k;
        if (i < 20) { f = (b & c) | (~b & d); k = 0x5A827999; }
        else if (i < 40) { f = b ^ c ^ d; k = 0x6ED9EBA1; }
        else if (i < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8F1BBCDC; }
        else { f = b ^ c ^ d; k = 0xCA62C1D6; }
        uint32_t t = rotl(a, 5) + f + e + k + w[i];
        e = d; d = c; c = rotl(b, 30); b = a; a = t;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e;
}

static void sha1_hex(const char *text, char out[41])
{
    uint32_t h[5] = { 0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0 };
    size_t length = strlen(text);
    size_t padded = (length + 9 + 63) / 64 * 64;
    unsigned char *m = calloc(padded, 1);
    memcpy(m, text, length);
    m[length] = 0x80;
    uint64_t bits = (uint64_t)length * 8;
    for (int i = 0; i < 8; i++) m[padded - 1 - i] = (unsigned char)(bits >> (8 * i));
    for (size_t i = 0; i < padded; i += 64) sha1_block(h, m + i);
    free(m);
    for (int i = 0; i < 5; i++) sprintf(out + 8 * i, "%08x", h[i]);
}

static void send_all(int fd, const char *p, size_t n)
{
    while (n > 0)
    {
        ssize_t sent = send(fd, p, n, 0);
        if (sent <= 0) { perror("send"); exit(1); }
        p += sent;
        n -= (size_t)sent;
    }
}

/* Reads until the buffer holds `marker`; returns the number of bytes held. */
static size_t read_until(int fd, char *buffer, size_t held, const char *marker)
{
    while (1)
    {
        buffer[held] = 0;
        if (strstr(buffer, marker)) return held;
        ssize_t n = recv(fd, buffer + held, BUFFER_SIZE - 1 - held, 0);
        if (n <= 0) { fprintf(stderr, "thin-echo: closed during the handshake\n"); exit(1); }
        held += (size_t)n;
    }
}

static const char *argument(int argc, char **argv, const char *key, const char *fallback)
{
    size_t length = strlen(key);
    for (int i = 1; i < argc; i++)
        if (strncmp(argv[i], key, length) == 0) return argv[i] + length;
    return fallback;
}

/* The value of attribute `name` (e.g. " from='") in [start, end): its offset and length, or -1. */
static long find_value(const char *start, const char *end, const char *name, size_t *length)
{
    size_t n = strlen(name);
    for (const char *p = start; p + n < end && *p != '>'; p++)
    {
        if (memcmp(p, name, n) != 0) continue;
        const char *value = p + n;
        const char *close = memchr(value, '\'', (size_t)(end - value));
        if (!close) return -1;
        *length = (size_t)(close - value);
        return value - start;
    }
    return -1;
}

int main(int argc, char **argv)
{
    const char *host = argument(argc, argv, "--Component:Host=", "127.0.0.1");
    int port = atoi(argument(argc, argv, "--Component:Port=", "5347"));
    const char *domain = argument(argc, argv, "--Component:Hostname=", "echo.localhost");
    const char *secret = argument(argc, argv, "--Component:Password=", "secret");

    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    inet_pton(AF_INET, host, &address.sin_addr);
    if (connect(fd, (struct sockaddr *)&address, sizeof address) != 0) { perror("connect"); return 1; }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

    char *in = malloc(BUFFER_SIZE);
    char *out = malloc(BUFFER_SIZE);
    char header[512];
    snprintf(header, sizeof header, "<stream:stream xmlns='jabber:component:accept' xmlns:stream='http://etherx.jabber.org/streams' to='%s'>", domain);
    send_all(fd, header, strlen(header));

    size_t held = read_until(fd, in, 0, "id='");
    held = read_until(fd, in, held, ">");
    char *id = strstr(in, "id='") + 4;
    char *id_end = strchr(id, '\'');
    char proof[1024];
    snprintf(proof, sizeof proof, "%.*s%s", (int)(id_end - id), id, secret);
    char digest[41];
    sha1_hex(proof, digest);
    char handshake[128];
    snprintf(handshake, sizeof handshake, "<handshake>%s</handshake>", digest);
    send_all(fd, handshake, strlen(handshake));
    held = read_until(fd, in, 0, "<handshake/>");
    char *after = strstr(in, "<handshake/>") + strlen("<handshake/>");
    held = (size_t)(in + held - after);
    memmove(in, after, held);

    while (1)
    {
        size_t written = 0;
        size_t consumed = 0;
        const char *close;
        while ((close = memmem(in + consumed, held - consumed, "</message>", 10)) != NULL)
        {
            const char *start = memchr(in + consumed, '<', held - consumed);
            const char *end = close + 10;
            size_t from_length, to_length;
            long from = find_value(start, end, " from='", &from_length);
            long to = find_value(start, end, " to='", &to_length);
            if (from < 0 || to < 0 || to < from) { fprintf(stderr, "thin-echo: unexpected stanza\n"); return 1; }
            /* <message from='A' to='B' rest  ->  <message from='B' to='A' rest */
            size_t head = (size_t)from;
            memcpy(out + written, start, head); written += head;
            memcpy(out + written, start + to, to_length); written += to_length;
            memcpy(out + written, "' to='", 6); written += 6;
            memcpy(out + written, start + from, from_length); written += from_length;
            const char *rest = start + to + to_length;
            memcpy(out + written, rest, (size_t)(end - rest)); written += (size_t)(end - rest);
            consumed = (size_t)(end - in);
        }
        if (written > 0) send_all(fd, out, written);
        memmove(in, in + consumed, held - consumed);
        held -= consumed;
        if (held >= BUFFER_SIZE - 1) { fprintf(stderr, "thin-echo: stanza too large\n"); return 1; }
        ssize_t n = recv(fd, in + held, BUFFER_SIZE - 1 - held, 0);
        if (n <= 0) return 0;
        held += (size_t)n;
    }
}
