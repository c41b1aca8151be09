/*
 * Fuzzes image_sanitize (photo uploads: JPEG, PNG, WebP headers and data, EXIF
 * orientation) with a small pixel limit, so the fuzzer spends its time in
 * parsers rather than in big pixel loops. The declared type follows the magic
 * number, as a real client's would; inputs with no known magic are declared
 * as one of the three types by their length, to keep the refusal path covered.
 */
#include "fuzz.h"
#include "image.h"

#define FUZZ_MAX_PIXELS (512L * 512)
#define FUZZ_MAX_SIDE 128

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *types[] = {"image/jpeg", "image/png", "image/webp"};
    const char *type = types[size % 3];
    if (size >= 3 && data[0] == 0xFF && data[1] == 0xD8)
        type = types[0];
    else if (size >= 4 && memcmp(data, "\x89PNG", 4) == 0)
        type = types[1];
    else if (size >= 4 && memcmp(data, "RIFF", 4) == 0)
        type = types[2];
    /* An exact-size copy: any read past the end of the upload is caught. */
    uint8_t *in = malloc(size ? size : 1);
    if (!in)
        abort();
    memcpy(in, data, size);
    struct image_blob full, thumb;
    const char *why = NULL;
    int rc = image_sanitize(in, size, type, FUZZ_MAX_PIXELS, FUZZ_MAX_SIDE, &full, &thumb, &why);
    if (rc == IMAGE_OK) {
        FUZZ_ASSERT(why == NULL);
        FUZZ_ASSERT(full.data && full.len > 4 && full.data[0] == 0xFF && full.data[1] == 0xD8);
        FUZZ_ASSERT(thumb.data && thumb.len > 4 && thumb.data[0] == 0xFF);
        FUZZ_ASSERT(full.width >= 1 && full.height >= 1);
        FUZZ_ASSERT(full.width <= FUZZ_MAX_SIDE && full.height <= FUZZ_MAX_SIDE);
        FUZZ_ASSERT(thumb.width <= full.width && thumb.height <= full.height);
    } else {
        FUZZ_ASSERT(rc == IMAGE_INVALID || rc == IMAGE_TOO_LARGE || rc == IMAGE_UNSUPPORTED_TYPE);
        FUZZ_ASSERT(why != NULL && full.data == NULL && thumb.data == NULL);
    }
    image_blob_free(&full);
    image_blob_free(&thumb);
    free(in);
    return 0;
}
