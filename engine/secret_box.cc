#include "engine/secret_box.h"

#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <memory>

#include "absl/strings/str_cat.h"

namespace hotline::engine {
namespace {

struct CipherFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using Cipher = std::unique_ptr<EVP_CIPHER_CTX, CipherFree>;
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};

// AES-256-GCM fetched from OpenSSL's provider once: EVP_aes_256_gcm()
// would look it up again on every call.
const EVP_CIPHER* Aes256Gcm() {
  static const EVP_CIPHER* const cipher = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
  return cipher;
}

const unsigned char* Bytes(absl::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

absl::Status CheckKey(absl::string_view key) {
  if (key.size() != kSecretKeyBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("a key must be ", kSecretKeyBytes, " bytes, not ", key.size()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    return absl::InternalError("the system's random generator failed");
  }
  return out;
}

absl::StatusOr<std::string> DeriveKey(absl::string_view master, absl::string_view label) {
  if (absl::Status s = CheckKey(master); !s.ok()) return s;
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nullptr));
  std::string out(kSecretKeyBytes, '\0');
  size_t size = out.size();
  if (ctx == nullptr || EVP_PKEY_derive_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_hkdf_md(ctx.get(), EVP_sha256()) != 1 ||
      EVP_PKEY_CTX_set1_hkdf_key(ctx.get(), Bytes(master), static_cast<int>(master.size())) != 1 ||
      EVP_PKEY_CTX_add1_hkdf_info(ctx.get(), Bytes(label), static_cast<int>(label.size())) != 1 ||
      EVP_PKEY_derive(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &size) != 1 ||
      size != out.size()) {
    return absl::InternalError("HKDF-SHA256 failed");
  }
  return out;
}

struct KeyedHash::State {
  ~State() { EVP_MAC_CTX_free(ctx); }
  EVP_MAC_CTX* ctx = nullptr;  // initialised with the key; duplicated per hash
};

absl::StatusOr<KeyedHash> KeyedHash::Make(absl::string_view key) {
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  auto state = std::make_shared<State>();
  state->ctx = mac == nullptr ? nullptr : EVP_MAC_CTX_new(mac);
  EVP_MAC_free(mac);
  char digest[] = "SHA256";
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0), OSSL_PARAM_END};
  if (state->ctx == nullptr || EVP_MAC_init(state->ctx, Bytes(key), key.size(), params) != 1) {
    return absl::InternalError("HMAC-SHA256 setup failed");
  }
  return KeyedHash(std::move(state));
}

absl::StatusOr<std::string> KeyedHash::Hash(absl::string_view data) const {
  struct MacFree {
    void operator()(EVP_MAC_CTX* c) const { EVP_MAC_CTX_free(c); }
  };
  std::unique_ptr<EVP_MAC_CTX, MacFree> ctx(EVP_MAC_CTX_dup(state_->ctx));
  std::string out(32, '\0');
  size_t size = 0;
  if (ctx == nullptr || EVP_MAC_update(ctx.get(), Bytes(data), data.size()) != 1 ||
      EVP_MAC_final(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &size,
                    out.size()) != 1 ||
      size != out.size()) {
    return absl::InternalError("HMAC-SHA256 failed");
  }
  return out;
}

absl::StatusOr<std::string> Seal(absl::string_view key, absl::string_view plaintext,
                                 absl::string_view aad) {
  if (absl::Status s = CheckKey(key); !s.ok()) return s;
  absl::StatusOr<std::string> nonce = RandomBytes(kSealNonceBytes);
  if (!nonce.ok()) return nonce.status();
  std::string out = *nonce;
  out.resize(kSealNonceBytes + plaintext.size() + kSealTagBytes);
  auto* cipher_text = reinterpret_cast<unsigned char*>(out.data()) + kSealNonceBytes;
  Cipher ctx(EVP_CIPHER_CTX_new());
  int n = 0;
  int final_n = 0;
  if (ctx == nullptr || Aes256Gcm() == nullptr ||
      EVP_EncryptInit_ex(ctx.get(), Aes256Gcm(), nullptr, Bytes(key), Bytes(*nonce)) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &n, Bytes(aad), static_cast<int>(aad.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), cipher_text, &n, Bytes(plaintext),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), cipher_text + n, &final_n) != 1 ||
      static_cast<size_t>(n + final_n) != plaintext.size() ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kSealTagBytes,
                          cipher_text + plaintext.size()) != 1) {
    return absl::InternalError("AES-256-GCM sealing failed");
  }
  return out;
}

absl::StatusOr<std::string> Open(absl::string_view key, absl::string_view sealed,
                                 absl::string_view aad) {
  if (absl::Status s = CheckKey(key); !s.ok()) return s;
  if (sealed.size() < kSealOverheadBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("sealed data of ", sealed.size(), " bytes is too short"));
  }
  const absl::string_view nonce = sealed.substr(0, kSealNonceBytes);
  const absl::string_view cipher_text =
      sealed.substr(kSealNonceBytes, sealed.size() - kSealOverheadBytes);
  std::string tag(sealed.substr(sealed.size() - kSealTagBytes));
  std::string out(cipher_text.size(), '\0');
  auto* plain = reinterpret_cast<unsigned char*>(out.data());
  Cipher ctx(EVP_CIPHER_CTX_new());
  int n = 0;
  int final_n = 0;
  if (ctx == nullptr || Aes256Gcm() == nullptr ||
      EVP_DecryptInit_ex(ctx.get(), Aes256Gcm(), nullptr, Bytes(key), Bytes(nonce)) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &n, Bytes(aad), static_cast<int>(aad.size())) != 1 ||
      EVP_DecryptUpdate(ctx.get(), plain, &n, Bytes(cipher_text),
                        static_cast<int>(cipher_text.size())) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kSealTagBytes, tag.data()) != 1) {
    return absl::InternalError("AES-256-GCM opening failed");
  }
  if (EVP_DecryptFinal_ex(ctx.get(), plain + n, &final_n) != 1) {
    return absl::DataLossError("sealed data does not authenticate under this key");
  }
  return out;
}

}  // namespace hotline::engine
