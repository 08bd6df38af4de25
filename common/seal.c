/* saslkey - the master key, and secrets sealed under it */
#include "seal.h"
#include "secret.h"
#include "status.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#define SEAL_VERSION	1
#define NONCE_LEN	12
#define TAG_LEN		16
#define KEY_FILE_LEN	(2 * SK_MASTER_KEY_LEN)

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void sk_master_key_wipe(struct sk_master_key *mk)
{
	sk_wipe(mk, sizeof(*mk));
}

int sk_master_key_load(const char *path, struct sk_master_key *mk, char *err,
		       size_t errlen)
{
	char buf[KEY_FILE_LEN + 2];
	struct stat sb;
	ssize_t n;
	int fd, i;

	sk_master_key_wipe(mk);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		snprintf(err, errlen, "master key %s: %s", path,
			 strerror(errno));
		return SK_UNAVAIL;
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		snprintf(err, errlen, "master key %s: not a regular file", path);
		return SK_UNAVAIL;
	}
	if (sb.st_mode & (S_IROTH | S_IWOTH)) {
		close(fd);
		snprintf(err, errlen, "master key %s is accessible to others "
			 "(mode %03o); refusing it", path,
			 (unsigned)(sb.st_mode & 0777));
		return SK_UNAVAIL;
	}
	n = read(fd, buf, sizeof(buf));
	close(fd);
	/* exactly 64 hex digits, optionally one newline */
	if (n < KEY_FILE_LEN || n > KEY_FILE_LEN + 1 ||
	    (n == KEY_FILE_LEN + 1 && buf[KEY_FILE_LEN] != '\n'))
		goto malformed;
	for (i = 0; i < SK_MASTER_KEY_LEN; i++) {
		int hi = hexval((unsigned char)buf[2 * i]);
		int lo = hexval((unsigned char)buf[2 * i + 1]);

		if (hi < 0 || lo < 0)
			goto malformed;
		mk->k[i] = (unsigned char)(hi << 4 | lo);
	}
	sk_wipe(buf, sizeof(buf));
	mk->loaded = true;
	return SK_OK;
malformed:
	sk_wipe(buf, sizeof(buf));
	sk_master_key_wipe(mk);
	snprintf(err, errlen, "master key %s: expected 64 hex digits", path);
	return SK_UNAVAIL;
}

int sk_master_key_create(const char *path, char *err, size_t errlen)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char k[SK_MASTER_KEY_LEN];
	char buf[KEY_FILE_LEN + 1];
	int fd, i, r = SK_OK;

	if (sk_random(k, sizeof(k)) != SK_OK) {
		snprintf(err, errlen, "no randomness for a master key");
		return SK_UNAVAIL;
	}
	for (i = 0; i < SK_MASTER_KEY_LEN; i++) {
		buf[2 * i] = hex[k[i] >> 4];
		buf[2 * i + 1] = hex[k[i] & 15];
	}
	buf[KEY_FILE_LEN] = '\n';
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
		  0600);
	if (fd < 0) {
		r = errno == EEXIST ? SK_EXISTS : SK_UNAVAIL;
		snprintf(err, errlen, "master key %s: %s", path,
			 strerror(errno));
	} else {
		if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf) ||
		    fsync(fd) != 0) {
			snprintf(err, errlen, "master key %s: %s", path,
				 strerror(errno));
			r = SK_UNAVAIL;
		}
		close(fd);
		if (r != SK_OK)
			unlink(path);
	}
	sk_wipe(k, sizeof(k));
	sk_wipe(buf, sizeof(buf));
	return r;
}

int sk_master_key_fingerprint(const struct sk_master_key *mk,
			      unsigned char out[SK_MASTER_FPR_LEN])
{
	static const char label[] = "saslkey master key fingerprint";
	unsigned char full[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	if (HMAC(EVP_sha256(), mk->k, SK_MASTER_KEY_LEN,
		 (const unsigned char *)label, sizeof(label) - 1, full,
		 &len) == NULL || len < SK_MASTER_FPR_LEN)
		return SK_UNAVAIL;
	memcpy(out, full, SK_MASTER_FPR_LEN);
	sk_wipe(full, sizeof(full));
	return SK_OK;
}

static EVP_CIPHER *gcm_cipher;

static EVP_CIPHER *gcm(void)
{
	if (gcm_cipher == NULL)
		gcm_cipher = EVP_CIPHER_fetch(NULL, "AES-256-GCM", NULL);
	return gcm_cipher;
}

/*
 * The plugin calls this when libsasl2 frees it (sasl_done), before the
 * dlclose(): a reference left in its static would be lost with it, and
 * OpenSSL's cleanup at exit could never free the cipher (LeakSanitizer
 * reports it).  Not thread-safe: only when nothing else can seal.
 */
void sk_seal_release(void)
{
	EVP_CIPHER_free(gcm_cipher);
	gcm_cipher = NULL;
}

int sk_seal(const struct sk_master_key *mk, const void *aad, size_t aadlen,
	    const void *in, size_t inlen, unsigned char *out, size_t outcap,
	    size_t *outlen)
{
	EVP_CIPHER_CTX *c;
	unsigned char *nonce = out + 1, *ct = out + 1 + NONCE_LEN;
	int len = 0, fin = 0, ok;

	*outlen = 0;
	if (!mk->loaded || outcap < inlen + SK_SEAL_OVERHEAD || inlen > 4096)
		return SK_INVALID;
	if (gcm() == NULL || (c = EVP_CIPHER_CTX_new()) == NULL)
		return SK_UNAVAIL;
	out[0] = SEAL_VERSION;
	ok = sk_random(nonce, NONCE_LEN) == SK_OK &&
	     EVP_EncryptInit_ex2(c, gcm(), mk->k, nonce, NULL) &&
	     EVP_EncryptUpdate(c, NULL, &len, aad, (int)aadlen) &&
	     EVP_EncryptUpdate(c, ct, &len, in, (int)inlen) &&
	     EVP_EncryptFinal_ex(c, ct + len, &fin) &&
	     EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, TAG_LEN,
				 ct + inlen) > 0;
	EVP_CIPHER_CTX_free(c);
	if (!ok) {
		sk_wipe(out, outcap);
		return SK_UNAVAIL;
	}
	*outlen = inlen + SK_SEAL_OVERHEAD;
	return SK_OK;
}

int sk_unseal(const struct sk_master_key *mk, const void *aad, size_t aadlen,
	      const unsigned char *in, size_t inlen, void *out, size_t outcap,
	      size_t *outlen)
{
	EVP_CIPHER_CTX *c;
	size_t ctlen;
	int len = 0, fin = 0, ok;

	*outlen = 0;
	if (!mk->loaded)
		return SK_UNAVAIL;
	if (inlen < SK_SEAL_OVERHEAD || in[0] != SEAL_VERSION ||
	    inlen - SK_SEAL_OVERHEAD > outcap)
		return SK_INVALID;
	ctlen = inlen - SK_SEAL_OVERHEAD;
	if (gcm() == NULL || (c = EVP_CIPHER_CTX_new()) == NULL)
		return SK_UNAVAIL;
	ok = EVP_DecryptInit_ex2(c, gcm(), mk->k, in + 1, NULL) &&
	     EVP_DecryptUpdate(c, NULL, &len, aad, (int)aadlen) &&
	     EVP_DecryptUpdate(c, out, &len, in + 1 + NONCE_LEN, (int)ctlen) &&
	     EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, TAG_LEN,
				 (void *)(in + 1 + NONCE_LEN + ctlen)) > 0 &&
	     EVP_DecryptFinal_ex(c, (unsigned char *)out + len, &fin) > 0;
	EVP_CIPHER_CTX_free(c);
	if (!ok) {
		sk_wipe(out, outcap);
		return SK_INVALID;
	}
	*outlen = ctlen;
	return SK_OK;
}
