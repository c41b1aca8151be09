/*
 * photos — storing and serving observation photos. Files live in
 * <data_dir>/photos/<2 hex>/<id>.jpg and <id>.thumb.jpg under server-made names;
 * only the re-encoded, metadata-free copies from image.c are ever written.
 */
#ifndef TRYGG_PHOTOS_H
#define TRYGG_PHOTOS_H

struct req;

/* POST /api/v1/observations/{id}/photos (raw image body). */
int photos_upload(struct req *r);

/* GET /api/v1/photos/{id} and GET /api/v1/photos/{id}/thumb. */
int photos_get(struct req *r);
int photos_get_thumb(struct req *r);

#endif
