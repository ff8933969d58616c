/*
 * libjpeg glue for AnchorImaging.
 *
 * libjpeg's default error handler calls exit(); a replacement must not return, so it
 * longjmp()s. Swift frames must never be jumped over, so the whole decode (setjmp included)
 * lives in this C function: Swift calls it and gets a status code and a message back.
 */
#ifndef ANCHOR_CJPEG_SHIM_H
#define ANCHOR_CJPEG_SHIM_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <jpeglib.h>
#include <jerror.h>

enum { ANCHOR_JPEG_OK = 0, ANCHOR_JPEG_ERROR = 1, ANCHOR_JPEG_TOO_LARGE = 2,
       ANCHOR_JPEG_NOMEM = 3, ANCHOR_JPEG_TRUNCATED = 4, ANCHOR_JPEG_UNSUPPORTED = 5 };

typedef struct {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    int warnings;
    int truncated;
    char message[JMSG_LENGTH_MAX];
} anchor_jpeg_error;

typedef struct {
    unsigned int width, height;
    int channels;           /* 1 (gray) or 3 (RGB) */
    int density_unit;       /* JFIF: 0 none/aspect, 1 dots per inch, 2 dots per cm */
    unsigned int x_density, y_density;
    unsigned char *pixels;  /* malloc'd, height rows of width*channels bytes */
    int status;
    int warnings;
    char message[JMSG_LENGTH_MAX];
} anchor_jpeg_result;

static void anchor_jpeg_error_exit(j_common_ptr cinfo) {
    anchor_jpeg_error *err = (anchor_jpeg_error *)cinfo->err;
    (*cinfo->err->format_message)(cinfo, err->message);
    longjmp(err->jump, 1);
}

static void anchor_jpeg_emit_message(j_common_ptr cinfo, int level) {
    anchor_jpeg_error *err = (anchor_jpeg_error *)cinfo->err;
    if (level < 0) {
        err->warnings++;
        if (cinfo->err->msg_code == JWRN_JPEG_EOF) err->truncated = 1;
        if (err->message[0] == 0) (*cinfo->err->format_message)(cinfo, err->message);
    }
}

static void anchor_jpeg_output_message(j_common_ptr cinfo) { (void)cinfo; }

/* Decodes a baseline/progressive JPEG held in memory to 8-bit gray or RGB. A premature end of
 * data is reported as ANCHOR_JPEG_TRUNCATED rather than silently padded. Refuses images of more
 * than max_pixels pixels before allocating. */
static inline void anchor_jpeg_decode(const unsigned char *data, size_t size, size_t max_pixels,
                                      anchor_jpeg_result *r) {
    struct jpeg_decompress_struct cinfo;
    anchor_jpeg_error err;
    memset(r, 0, sizeof *r);
    memset(&err, 0, sizeof err);
    memset(&cinfo, 0, sizeof cinfo);
    cinfo.err = jpeg_std_error(&err.pub);
    err.pub.error_exit = anchor_jpeg_error_exit;
    err.pub.emit_message = anchor_jpeg_emit_message;
    err.pub.output_message = anchor_jpeg_output_message;
    if (setjmp(err.jump)) {
        jpeg_destroy_decompress(&cinfo);
        free(r->pixels); r->pixels = NULL;
        if (r->status == ANCHOR_JPEG_OK) r->status = ANCHOR_JPEG_ERROR;
        memcpy(r->message, err.message, sizeof r->message);
        r->warnings = err.warnings;
        return;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)size);
    jpeg_read_header(&cinfo, TRUE);
    if (cinfo.saw_JFIF_marker) {
        r->density_unit = cinfo.density_unit;
        r->x_density = cinfo.X_density;
        r->y_density = cinfo.Y_density;
    }
    switch (cinfo.jpeg_color_space) {
    case JCS_GRAYSCALE: cinfo.out_color_space = JCS_GRAYSCALE; break;
    case JCS_YCbCr: case JCS_RGB: cinfo.out_color_space = JCS_RGB; break;
    default:
        r->status = ANCHOR_JPEG_UNSUPPORTED;
        strcpy(err.message, "colour space other than gray, YCbCr or RGB (CMYK/YCCK)");
        longjmp(err.jump, 1);
    }
    if ((unsigned long long)cinfo.image_width * cinfo.image_height > max_pixels) {
        r->status = ANCHOR_JPEG_TOO_LARGE;
        r->width = cinfo.image_width; r->height = cinfo.image_height;
        snprintf(err.message, sizeof err.message, "%u x %u pixels is more than the limit of %zu",
                 cinfo.image_width, cinfo.image_height, max_pixels);
        longjmp(err.jump, 1);
    }
    jpeg_start_decompress(&cinfo);
    r->width = cinfo.output_width;
    r->height = cinfo.output_height;
    r->channels = cinfo.output_components;
    size_t stride = (size_t)r->width * r->channels;
    r->pixels = (unsigned char *)malloc(stride * r->height);
    if (!r->pixels) {
        r->status = ANCHOR_JPEG_NOMEM;
        strcpy(err.message, "out of memory");
        longjmp(err.jump, 1);
    }
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = r->pixels + stride * cinfo.output_scanline;
        jpeg_read_scanlines(&cinfo, &row, 1);
        if (err.truncated) {
            r->status = ANCHOR_JPEG_TRUNCATED;
            longjmp(err.jump, 1);
        }
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    if (err.truncated) {
        free(r->pixels); r->pixels = NULL;
        r->status = ANCHOR_JPEG_TRUNCATED;
        memcpy(r->message, err.message, sizeof r->message);
        return;
    }
    r->warnings = err.warnings;
    memcpy(r->message, err.message, sizeof r->message);
    r->status = ANCHOR_JPEG_OK;
}

static inline void anchor_jpeg_free(anchor_jpeg_result *r) {
    free(r->pixels); r->pixels = NULL;
}

/* Encodes 8-bit gray (channels 1) or RGB (channels 3) pixels, height rows of width*channels
 * bytes, as a baseline JPEG at `quality` (1…100, libjpeg's scale) into a malloc'd buffer
 * (*out, *out_size; free with anchor_jpeg_free_buffer). Returns ANCHOR_JPEG_OK or an error
 * status with libjpeg's message in `message` (JMSG_LENGTH_MAX bytes). */
static inline int anchor_jpeg_encode(const unsigned char *pixels, unsigned int width, unsigned int height,
                                     int channels, int quality, unsigned char **out,
                                     unsigned long *out_size, char *message) {
    struct jpeg_compress_struct cinfo;
    anchor_jpeg_error err;
    /* Its address escapes to libjpeg, so it lives in memory and is current after a longjmp. */
    unsigned char *mem = NULL;
    unsigned long size = 0;
    memset(&err, 0, sizeof err);
    memset(&cinfo, 0, sizeof cinfo);
    *out = NULL; *out_size = 0; message[0] = 0;
    cinfo.err = jpeg_std_error(&err.pub);
    err.pub.error_exit = anchor_jpeg_error_exit;
    err.pub.emit_message = anchor_jpeg_emit_message;
    err.pub.output_message = anchor_jpeg_output_message;
    if (setjmp(err.jump)) {
        jpeg_destroy_compress(&cinfo);
        free(mem);
        memcpy(message, err.message, JMSG_LENGTH_MAX);
        return ANCHOR_JPEG_ERROR;
    }
    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, &mem, &size);
    cinfo.image_width = width;
    cinfo.image_height = height;
    cinfo.input_components = channels;
    cinfo.in_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality, TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    size_t stride = (size_t)width * channels;
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + stride * cinfo.next_scanline);
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    *out = mem;
    *out_size = size;
    return ANCHOR_JPEG_OK;
}

static inline void anchor_jpeg_free_buffer(unsigned char *buffer) { free(buffer); }

#endif
