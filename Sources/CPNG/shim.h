/*
 * libpng glue for AnchorImaging.
 *
 * libpng reports errors by longjmp()-ing out of its error callback. Swift frames must never be
 * jumped over, so the whole decode/encode (setjmp included) lives in these C functions: Swift
 * calls them, they return a status code and a message, and no jump ever crosses Swift code.
 */
#ifndef ANCHOR_CPNG_SHIM_H
#define ANCHOR_CPNG_SHIM_H

#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

enum { ANCHOR_PNG_OK = 0, ANCHOR_PNG_ERROR = 1, ANCHOR_PNG_TOO_LARGE = 2, ANCHOR_PNG_NOMEM = 3 };

typedef struct {
    unsigned int width, height;
    int channels;          /* 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA (after expansion) */
    int bit_depth;         /* 8 or 16; 16-bit samples are in host byte order */
    int color_type;        /* the file's PNG colour type */
    int file_bit_depth;    /* the file's bit depth (1, 2, 4, 8, 16) */
    int has_phys;
    unsigned int phys_x, phys_y;
    int phys_unit;         /* PNG_RESOLUTION_METER (1) or unknown (0) */
    unsigned char *pixels; /* malloc'd, height rows of width*channels*(bit_depth/8) bytes */
    size_t pixels_size;
    int status;
    char message[256];
    /* internal */
    const unsigned char *src;
    size_t src_size, src_pos;
    png_bytep *rows;
    unsigned char *out; size_t out_size, out_cap;
} anchor_png_state;

static void anchor_png_on_error(png_structp png, png_const_charp msg) {
    anchor_png_state *s = (anchor_png_state *)png_get_error_ptr(png);
    if (s->message[0] == 0) {
        strncpy(s->message, msg ? msg : "libpng error", sizeof s->message - 1);
    }
    png_longjmp(png, 1);
}

static void anchor_png_on_warning(png_structp png, png_const_charp msg) {
    (void)png; (void)msg;
}

static void anchor_png_read_bytes(png_structp png, png_bytep out, size_t n) {
    anchor_png_state *s = (anchor_png_state *)png_get_io_ptr(png);
    if (n > s->src_size - s->src_pos) {
        png_error(png, "unexpected end of file");
    }
    memcpy(out, s->src + s->src_pos, n);
    s->src_pos += n;
}

/* Decodes a PNG held in memory. Palette, low-bit gray and tRNS are expanded; 16-bit stays
 * 16-bit (host order). Refuses images of more than max_pixels pixels before allocating. */
static inline void anchor_png_decode(const unsigned char *data, size_t size, size_t max_pixels,
                                     anchor_png_state *s) {
    memset(s, 0, sizeof *s);
    s->src = data; s->src_size = size;
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, s, anchor_png_on_error,
                                             anchor_png_on_warning);
    if (!png) { s->status = ANCHOR_PNG_NOMEM; strcpy(s->message, "out of memory"); return; }
    png_infop info = png_create_info_struct(png);
    if (!info) {
        png_destroy_read_struct(&png, NULL, NULL);
        s->status = ANCHOR_PNG_NOMEM; strcpy(s->message, "out of memory"); return;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &info, NULL);
        free(s->rows); s->rows = NULL;
        free(s->pixels); s->pixels = NULL; s->pixels_size = 0;
        if (s->status == ANCHOR_PNG_OK) s->status = ANCHOR_PNG_ERROR;
        return;
    }
    png_set_read_fn(png, s, anchor_png_read_bytes);
    png_set_user_limits(png, 0x7fffffff, 0x7fffffff);
    png_read_info(png, info);
    png_uint_32 w = 0, h = 0;
    int depth = 0, ctype = 0, interlace = 0;
    png_get_IHDR(png, info, &w, &h, &depth, &ctype, &interlace, NULL, NULL);
    s->color_type = ctype; s->file_bit_depth = depth;
    if (w == 0 || h == 0 || (unsigned long long)w * h > max_pixels) {
        s->width = w; s->height = h;
        s->status = ANCHOR_PNG_TOO_LARGE;
        snprintf(s->message, sizeof s->message, "%u x %u pixels is more than the limit of %zu", w, h, max_pixels);
        png_longjmp(png, 1);
    }
    png_uint_32 px = 0, py = 0; int unit = 0;
    if (png_get_pHYs(png, info, &px, &py, &unit)) {
        s->has_phys = 1; s->phys_x = px; s->phys_y = py; s->phys_unit = unit;
    }
    png_set_expand(png);
    if (depth == 16) png_set_swap(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    s->width = w; s->height = h;
    s->channels = png_get_channels(png, info);
    s->bit_depth = png_get_bit_depth(png, info);
    size_t rowbytes = png_get_rowbytes(png, info);
    s->pixels_size = rowbytes * (size_t)h;
    s->pixels = (unsigned char *)malloc(s->pixels_size);
    s->rows = (png_bytep *)malloc(sizeof(png_bytep) * (size_t)h);
    if (!s->pixels || !s->rows) {
        s->status = ANCHOR_PNG_NOMEM; strcpy(s->message, "out of memory");
        png_longjmp(png, 1);
    }
    for (png_uint_32 y = 0; y < h; y++) s->rows[y] = s->pixels + rowbytes * y;
    png_read_image(png, s->rows);
    png_read_end(png, NULL);
    png_destroy_read_struct(&png, &info, NULL);
    free(s->rows); s->rows = NULL;
    s->status = ANCHOR_PNG_OK;
}

static void anchor_png_write_bytes(png_structp png, png_bytep in, size_t n) {
    anchor_png_state *s = (anchor_png_state *)png_get_io_ptr(png);
    if (n > s->out_cap - s->out_size) {
        size_t cap = s->out_cap ? s->out_cap : 65536;
        while (cap - s->out_size < n) cap *= 2;
        unsigned char *grown = (unsigned char *)realloc(s->out, cap);
        if (!grown) png_error(png, "out of memory");
        s->out = grown; s->out_cap = cap;
    }
    memcpy(s->out + s->out_size, in, n);
    s->out_size += n;
}

static void anchor_png_flush(png_structp png) { (void)png; }

/* Encodes rows of gray (channels 1) or RGB (channels 3) samples, 8 or 16 bits (16-bit given
 * in host order). With a palette (palette_size RGB triples, 1…256) and channels 1, bit depth
 * 8, the samples are indices into it (an indexed-colour PNG). phys_x/phys_y > 0 writes a pHYs
 * chunk in pixels per metre. On success s->out holds s->out_size bytes (malloc'd: free with
 * anchor_png_free). */
static inline void anchor_png_encode(const unsigned char *pixels, unsigned int width,
                                     unsigned int height, int channels, int bit_depth,
                                     unsigned int phys_x, unsigned int phys_y,
                                     const unsigned char *palette, int palette_size,
                                     anchor_png_state *s) {
    memset(s, 0, sizeof *s);
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, s, anchor_png_on_error,
                                              anchor_png_on_warning);
    if (!png) { s->status = ANCHOR_PNG_NOMEM; strcpy(s->message, "out of memory"); return; }
    png_infop info = png_create_info_struct(png);
    if (!info) {
        png_destroy_write_struct(&png, NULL);
        s->status = ANCHOR_PNG_NOMEM; strcpy(s->message, "out of memory"); return;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(s->rows); s->rows = NULL;
        free(s->out); s->out = NULL; s->out_size = 0;
        if (s->status == ANCHOR_PNG_OK) s->status = ANCHOR_PNG_ERROR;
        return;
    }
    png_set_write_fn(png, s, anchor_png_write_bytes, anchor_png_flush);
    int indexed = palette && palette_size >= 1 && palette_size <= 256 && channels == 1 && bit_depth == 8;
    int ctype = indexed ? PNG_COLOR_TYPE_PALETTE : channels == 3 ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_GRAY;
    png_set_IHDR(png, info, width, height, bit_depth, ctype, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (indexed) png_set_PLTE(png, info, (png_const_colorp)palette, palette_size);
    if (phys_x > 0 && phys_y > 0) png_set_pHYs(png, info, phys_x, phys_y, PNG_RESOLUTION_METER);
    /* Previews and overlays: zlib's fastest level and the SUB/UP row filters. The default
       level 6 with all five adaptive filters made PNG encoding most of a frame command's
       run time (half of `align`'s CPU on a 2500 x 1406 pair, docs/align.md) for files
       10-20 % smaller. */
    png_set_compression_level(png, 1);
    png_set_filter(png, 0, PNG_FILTER_SUB | PNG_FILTER_UP);
    /* 8-bit samples (gray previews, the report's pictures, indexed colour, RGB photographs
       and overlays): zlib's run-length strategy deflates a 512 x 512 STM rendering in half
       the time of level 1's default strategy, and ~5 % smaller (tested on corrected.png);
       on the snake pair's 900 x 507-photo outputs (SUB-filtered RGB) it takes 0.5-0.7x
       the time, 12-15 % smaller for the aligned photographs and overlays, 5 % larger for
       the colour-mapped difference map. */
    if (bit_depth == 8) png_set_compression_strategy(png, 3 /* Z_RLE */);
    png_write_info(png, info);
    if (bit_depth == 16) png_set_swap(png);
    size_t rowbytes = (size_t)width * channels * (bit_depth / 8);
    s->rows = (png_bytep *)malloc(sizeof(png_bytep) * (size_t)height);
    if (!s->rows) { s->status = ANCHOR_PNG_NOMEM; strcpy(s->message, "out of memory"); png_longjmp(png, 1); }
    for (unsigned int y = 0; y < height; y++) s->rows[y] = (png_bytep)(pixels + rowbytes * y);
    png_write_image(png, s->rows);
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    free(s->rows); s->rows = NULL;
    s->status = ANCHOR_PNG_OK;
}

static inline void anchor_png_free(anchor_png_state *s) {
    free(s->pixels); s->pixels = NULL;
    free(s->out); s->out = NULL;
    free(s->rows); s->rows = NULL;
}

#endif
