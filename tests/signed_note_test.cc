// Contract of store/signed_note.h: C2SP signed notes, keys and checkpoint
// text, checked against the known answers of Go's golang.org/x/mod/sumdb/note.

#include "store/signed_note.h"

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hotline::store {
namespace {

using ::testing::HasSubstr;

// Published in golang.org/x/mod/sumdb/note (package doc and note_test.go).
constexpr absl::string_view kPeterSigner =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+"
    "Y7hfZx09iUvxdXHKDFz";
constexpr absl::string_view kPeterVerifier =
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
constexpr absl::string_view kEnochVerifier =
    "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
constexpr absl::string_view kText =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
constexpr absl::string_view kDash = "\xE2\x80\x94 ";  // em dash U+2014, space
constexpr absl::string_view kPeterSigB64 =
    "x08go/ZJkuBS9UG/"
    "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnA"
    "M=";
constexpr absl::string_view kEnochSigB64 =
    "rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/"
    "5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=";

std::string PeterSig() {
  return absl::StrCat(kDash, "PeterNeumann ", kPeterSigB64, "\n");
}
std::string EnochSig() {
  return absl::StrCat(kDash, "EnochRoot ", kEnochSigB64, "\n");
}

template <typename T>
T Must(absl::StatusOr<T> v) {
  EXPECT_TRUE(v.ok()) << v.status();
  return v.ok() ? *std::move(v) : T{};
}

SignerKey Peter() { return Must(ParseSignerKey(kPeterSigner)); }
VerifierKey PeterV() { return Must(ParseVerifierKey(kPeterVerifier)); }

// A signature line by `name` whose base64 holds `key_hash` then `sig`.
std::string SigLine(absl::string_view name, uint32_t key_hash,
                    absl::string_view sig) {
  const std::string be{
      static_cast<char>(key_hash >> 24), static_cast<char>(key_hash >> 16),
      static_cast<char>(key_hash >> 8), static_cast<char>(key_hash)};
  return absl::StrCat(kDash, name, " ",
                      absl::Base64Escape(absl::StrCat(be, sig)), "\n");
}

// The raw Ed25519 signature in the single signature line of a SignNote result.
std::string RawSignature(absl::string_view note) {
  const size_t space = note.rfind(' ');
  std::string raw;
  EXPECT_TRUE(absl::Base64Unescape(
      note.substr(space + 1, note.size() - space - 2), &raw));
  return raw.substr(4);
}

void ExpectCode(const absl::Status& s, absl::StatusCode code,
                absl::string_view part) {
  EXPECT_EQ(s.code(), code) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr(std::string(part)));
}

// ------------------------------------------------------------ known answers

TEST(SignedNoteTest, GoKeyPairParsesAndFormatsBackExactly) {
  const SignerKey peter = Peter();
  EXPECT_EQ(peter.name, "PeterNeumann");
  EXPECT_EQ(peter.key_hash, 0xc74f20a3u);
  EXPECT_EQ(peter.seed.size(), 32u);
  EXPECT_EQ(FormatSignerKey(peter), kPeterSigner);
  EXPECT_EQ(FormatVerifierKey(VerifierOf(peter)), kPeterVerifier);
  const VerifierKey v = PeterV();
  EXPECT_EQ(v.public_key, peter.public_key);
  EXPECT_EQ(v.key_hash, 0xc74f20a3u);
  EXPECT_EQ(KeyHash(v.name, v.public_key), 0xc74f20a3u);
  EXPECT_EQ(Must(ParseVerifierKey(kEnochVerifier)).key_hash, 0xaf0cfe78u);
}

TEST(SignedNoteTest, SignProducesGosPublishedSignatureLine) {
  EXPECT_EQ(Must(SignNote(Peter(), kText)),
            absl::StrCat(kText, "\n", PeterSig()));
}

TEST(SignedNoteTest, OpensGosPublishedNotes) {
  const VerifierKey enoch = Must(ParseVerifierKey(kEnochVerifier));
  const std::string single = absl::StrCat(kText, "\n", PeterSig());
  const std::string both = absl::StrCat(kText, "\n", PeterSig(), EnochSig());
  const std::string swapped = absl::StrCat(kText, "\n", EnochSig(), PeterSig());
  EXPECT_EQ(Must(OpenNote(PeterV(), single)), kText);
  EXPECT_EQ(Must(OpenNote(PeterV(), both)), kText);
  EXPECT_EQ(Must(OpenNote(enoch, both)), kText);
  EXPECT_EQ(Must(OpenNote(enoch, swapped)), kText);
  ExpectCode(OpenNote(enoch, single).status(),
             absl::StatusCode::kPermissionDenied,
             "no signature by EnochRoot+af0cfe78");
}

// ------------------------------------------------------------ generated keys

TEST(SignedNoteTest, GeneratedKeyRoundTrips) {
  const SignerKey key = Must(GenerateSignerKey("example.com/hotline"));
  EXPECT_EQ(key.seed.size(), 32u);
  EXPECT_EQ(key.public_key.size(), 32u);
  EXPECT_EQ(key.key_hash, KeyHash(key.name, key.public_key));

  const SignerKey parsed = Must(ParseSignerKey(FormatSignerKey(key) + "\n"));
  EXPECT_EQ(parsed.name, key.name);
  EXPECT_EQ(parsed.seed, key.seed);
  EXPECT_EQ(parsed.public_key, key.public_key);
  EXPECT_EQ(parsed.key_hash, key.key_hash);

  const VerifierKey v =
      Must(ParseVerifierKey(FormatVerifierKey(VerifierOf(key)) + " \r\n"));
  EXPECT_EQ(v.name, key.name);
  EXPECT_EQ(v.public_key, key.public_key);
  EXPECT_EQ(v.key_hash, key.key_hash);

  EXPECT_EQ(Must(OpenNote(v, Must(SignNote(key, "hello\n")))), "hello\n");
  EXPECT_NE(Must(GenerateSignerKey("example.com/hotline")).seed, key.seed);
}

TEST(SignedNoteTest, GenerateRefusesBadNames) {
  for (const char* name : {"", "a+b", "a b", "a\tb", "a\nb",
                           "a\xC2\xA0"
                           "b",
                           "a\xE3\x80\x80"
                           "b",
                           "\xFF"}) {
    EXPECT_EQ(GenerateSignerKey(name).status().code(),
              absl::StatusCode::kInvalidArgument)
        << absl::CHexEscape(name);
  }
  EXPECT_TRUE(
      GenerateSignerKey("\xC3\xA9t\xC3\xA9/log").ok());  // UTF-8 is fine
}

// ------------------------------------------------------------ refusals

TEST(SignedNoteTest, RefusesKeysThatDidNotSign) {
  const std::string note = Must(SignNote(Peter(), kText));
  const SignerKey peter = Peter();

  // Same public key, other name (so other hash too).
  VerifierKey renamed{"CarmenSandiego", peter.public_key, 0};
  renamed.key_hash = KeyHash(renamed.name, renamed.public_key);
  ExpectCode(OpenNote(renamed, note).status(),
             absl::StatusCode::kPermissionDenied,
             "no signature by CarmenSandiego+");

  // Same name, other key, so other hash.
  const SignerKey other = Must(GenerateSignerKey("PeterNeumann"));
  ExpectCode(OpenNote(VerifierOf(other), note).status(),
             absl::StatusCode::kPermissionDenied,
             "no signature by PeterNeumann+");

  // Peter's name and hash on a signature made by another key.
  const std::string forged =
      absl::StrCat(kText, "\n",
                   SigLine("PeterNeumann", 0xc74f20a3,
                           RawSignature(Must(SignNote(other, kText)))));
  ExpectCode(
      OpenNote(PeterV(), forged).status(), absl::StatusCode::kPermissionDenied,
      "signature by PeterNeumann+c74f20a3 on signature line 1 does not verify");

  // A verifier key claiming Peter's name and hash with another public key.
  VerifierKey mixed = PeterV();
  mixed.public_key = other.public_key;
  ExpectCode(OpenNote(mixed, note).status(), absl::StatusCode::kInvalidArgument,
             "verifier key: key hash c74f20a3 does not match the key");
}

TEST(SignedNoteTest, RefusesChangedText) {
  std::string note = Must(SignNote(Peter(), kText));
  note[3] ^= 0x20;
  ExpectCode(OpenNote(PeterV(), note).status(),
             absl::StatusCode::kPermissionDenied, "does not verify");
}

TEST(SignedNoteTest, RefusesChangedCheckpointLines) {
  const SignerKey key = Must(GenerateSignerKey("example.com/log"));
  const TreeHead head{"example.com/log", 1234, std::string(32, '\x5a')};
  const std::string note = Must(SignNote(key, FormatCheckpointText(head)));
  EXPECT_EQ(
      Must(ParseCheckpointText(Must(OpenNote(VerifierOf(key), note)))).size,
      1234u);
  for (const auto& [from, to] :
       std::vector<std::pair<std::string, std::string>>{
           {"example.com/log\n1234", "example.com/lag\n1234"},
           {"\n1234\n", "\n1235\n"},
           {"\n1234\n", "\n12340\n"}}) {
    ExpectCode(
        OpenNote(VerifierOf(key), absl::StrReplaceAll(note, {{from, to}}))
            .status(),
        absl::StatusCode::kPermissionDenied, "does not verify");
  }
}

TEST(SignedNoteTest, RefusesSignaturesOfTheWrongLength) {
  const std::string sig = RawSignature(Must(SignNote(Peter(), kText)));
  ExpectCode(OpenNote(PeterV(), absl::StrCat(kText, "\n",
                                             SigLine("PeterNeumann", 0xc74f20a3,
                                                     sig.substr(0, 63))))
                 .status(),
             absl::StatusCode::kPermissionDenied, "it is 63 bytes");
  ExpectCode(OpenNote(PeterV(), absl::StrCat(kText, "\n",
                                             SigLine("PeterNeumann", 0xc74f20a3,
                                                     sig + "x")))
                 .status(),
             absl::StatusCode::kPermissionDenied, "it is 65 bytes");
  // Cutting the base64 text itself leaves no well-formed line.
  std::string cut = absl::StrCat(kText, "\n", PeterSig());
  cut.erase(cut.size() - 3, 1);
  ExpectCode(OpenNote(PeterV(), cut).status(),
             absl::StatusCode::kInvalidArgument,
             "note signature line 1: signature is not standard padded base64");
}

TEST(SignedNoteTest, EveryFlippedBitIsRefusedOrHarmless) {
  const SignerKey key = Must(GenerateSignerKey("example.com/log"));
  const SignerKey stranger = Must(GenerateSignerKey("example.com/witness"));
  const std::string text =
      FormatCheckpointText({"example.com/log", 7, std::string(32, '\1')});
  const std::string signed_note = Must(SignNote(key, text));
  // A second, unknown signer: flips in its line may leave the note valid.
  const std::string note =
      signed_note + SigLine(stranger.name, stranger.key_hash,
                            RawSignature(Must(SignNote(stranger, text))));
  ASSERT_EQ(Must(OpenNote(VerifierOf(key), note)), text);

  int harmless = 0;
  for (size_t i = 0; i < note.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string bad = note;
      bad[i] ^= static_cast<char>(1 << bit);
      const absl::StatusOr<std::string> got = OpenNote(VerifierOf(key), bad);
      if (got.ok()) {
        EXPECT_EQ(*got, text) << "byte " << i << " bit " << bit;
        EXPECT_GE(i, signed_note.size())
            << "accepted a flip in a signed part: byte " << i;
        ++harmless;
      } else {
        EXPECT_TRUE(got.status().code() == absl::StatusCode::kInvalidArgument ||
                    got.status().code() == absl::StatusCode::kPermissionDenied)
            << got.status();
      }
    }
  }
  EXPECT_GT(harmless, 0);  // the unknown signer's name can change freely
}

TEST(SignedNoteTest, RefusesMalformedNotes) {
  const std::string sig = PeterSig();
  const std::string text(kText);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {text, "no blank line"},
      {text + "\n", "no signature lines"},
      {text + "\n" + sig.substr(0, sig.size() - 1),
       "does not end in a newline"},
      {"\x01" + text + "\n" + sig, "control character 0x01 at byte 0"},
      {"\xFF" + text + "\n" + sig, "not valid UTF-8 at byte 0"},
      {"\xED\xA0\x80" + text + "\n" + sig, "not valid UTF-8"},  // a surrogate
      {"\xC0\xAF" + text + "\n" + sig, "not valid UTF-8"},      // overlong '/'
      // The first space ends the name, so "Name x08go..." is the signature.
      {text + "\n" + absl::StrCat(kDash, "Bad Name ", kPeterSigB64, "\n"),
       "line 1: signature is not standard padded base64"},
      {text + "\n" +
           absl::StrCat(kDash, "Bad\xC2\xA0Name ", kPeterSigB64, "\n"),
       "line 1: key name \"Bad\\xc2\\xa0Name\" contains a space"},
      {text + "\n" + sig + "Unexpected line.\n",
       "line 2 does not start with an em dash"},
      {text + "\n" + "-- PeterNeumann " + std::string(kPeterSigB64) + "\n",
       "line 1 does not start with an em dash"},
      {text + "\n" + absl::StrCat(kDash, "PeterNeumann\n"), "no space between"},
      {text + "\n" + absl::StrCat(kDash, " ", kPeterSigB64, "\n"),
       "key name is empty"},
      {text + "\n" + absl::StrCat(kDash, "PeterNeumann  ", kPeterSigB64, "\n"),
       "not standard padded base64"},
      {text + "\n" + absl::StrCat(kDash, "PeterNeumann AAAA\n"),
       "3 bytes, too short"},
      {text + "\n" + absl::StrCat(kDash, "PeterNeumann ", kPeterSigB64, "\r\n"),
       "control character 0x0d"},
  };
  for (const auto& [note, part] : cases) {
    const absl::StatusOr<std::string> got = OpenNote(PeterV(), note);
    ASSERT_FALSE(got.ok()) << absl::CHexEscape(note);
    ExpectCode(got.status(), absl::StatusCode::kInvalidArgument, part);
  }
}

TEST(SignedNoteTest, BoundsSignatureCountAndSize) {
  std::string sigs;
  for (int i = 0; i < 100; ++i) sigs += PeterSig();
  EXPECT_EQ(Must(OpenNote(PeterV(), absl::StrCat(kText, "\n", sigs))), kText);
  ExpectCode(
      OpenNote(PeterV(), absl::StrCat(kText, "\n", sigs, PeterSig())).status(),
      absl::StatusCode::kInvalidArgument, "more than 100 signature lines");

  std::string big(kMaxNoteBytes, 'a');
  big.back() = '\n';
  ExpectCode(OpenNote(PeterV(), absl::StrCat(big, "\n", PeterSig())).status(),
             absl::StatusCode::kInvalidArgument, "over the 1048576-byte limit");
  ExpectCode(SignNote(Peter(), big).status(),
             absl::StatusCode::kInvalidArgument, "over the 1048576-byte limit");
}

TEST(SignedNoteTest, EveryLineClaimingTheKeyMustVerify) {
  std::string bad = PeterSig();
  bad.replace(bad.size() - 20, 4, "ABCD");
  ExpectCode(
      OpenNote(PeterV(), absl::StrCat(kText, "\n", PeterSig(), bad)).status(),
      absl::StatusCode::kPermissionDenied,
      "on signature line 2 does not verify");
}

TEST(SignedNoteTest, SignRefusesBadTextAndKeys) {
  const SignerKey peter = Peter();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "note text is empty"},
      {"no newline", "does not end in a newline"},
      {"tab\there\n", "control character 0x09"},
      {"cr\r\n", "control character 0x0d"},
      {"bad \xFF utf8\n", "not valid UTF-8 at byte 4"},
      {absl::StrCat("fine\n", kDash, "looks like a signature\n"),
       "line 2 starts with an em dash and a space"},
  };
  for (const auto& [text, part] : cases) {
    ExpectCode(SignNote(peter, text).status(),
               absl::StatusCode::kInvalidArgument, part);
  }

  SignerKey wrong_seed = peter;
  wrong_seed.seed[0] ^= 1;
  ExpectCode(SignNote(wrong_seed, kText).status(),
             absl::StatusCode::kInvalidArgument,
             "public key is not the one derived from the seed");
  SignerKey wrong_hash = peter;
  wrong_hash.key_hash ^= 1;
  ExpectCode(SignNote(wrong_hash, kText).status(),
             absl::StatusCode::kInvalidArgument,
             "key hash c74f20a2 does not match");
  SignerKey bad_name = peter;
  bad_name.name = "Peter+Neumann";
  ExpectCode(SignNote(bad_name, kText).status(),
             absl::StatusCode::kInvalidArgument, "contains '+'");
}

TEST(SignedNoteTest, TextMayHoldBlankLinesAndDashesMidLine) {
  const SignerKey peter = Peter();
  for (const char* text : {"\n", "a\n\nb\n", "a\n\n", "a \xE2\x80\x94 b\n",
                           "\xE2\x80\x94no space\n"}) {
    EXPECT_EQ(Must(OpenNote(PeterV(), Must(SignNote(peter, text)))), text)
        << absl::CHexEscape(text);
  }
}

// ------------------------------------------------------------ key text

TEST(SignedNoteTest, RefusesMalformedVerifierKeys) {
  const std::string good(kPeterVerifier);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "verifier key is empty"},
      {"\n", "verifier key is empty"},
      {"PeterNeumann", "no '+' after the key name"},
      {"PeterNeumann+c74f20a3", "no '+' after the key hash"},
      {"+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
       "key name is empty"},
      {" " + good, "contains a space"},
      {"Peter\xC2\xA0Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/"
       "LDE4izWy10TW",
       "contains a space"},
      {"PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
       "key hash \"c74f20a\" is not 8 hex digits"},
      {"PeterNeumann+c74f20ag+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
       "is not 8 hex digits"},
      {"PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T",
       "not standard padded base64"},
      {"PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T!",
       "not standard padded base64"},
      {"PeterNeumann+c74f20a3+", "key data is empty"},
      // Go's vectors: unknown algorithm, and wrong length, each with the key
      // hash adjusted so that only that part is wrong. The second's base64
      // ends in non-zero padding bits, which this stricter decoder refuses.
      {"PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
       "algorithm byte 0x65 is not 0x01"},
      {"PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/"
       "LDE4izWy10TWBADKEY==",
       "not standard padded base64"},
      {"PeterNeumann+c74f20a3+" +
           absl::Base64Escape("\x01" + std::string(33, 'k')),
       "Ed25519 key is 33 bytes, want 32"},
      {"PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
       "key hash c74f20a4 does not match the key, which hashes to c74f20a3"},
      {std::string(kPeterSigner), "that is a signer key"},
  };
  for (const auto& [text, part] : cases) {
    const absl::Status status = ParseVerifierKey(text).status();
    ExpectCode(status, absl::StatusCode::kInvalidArgument, part);
    EXPECT_THAT(std::string(status.message()), HasSubstr("verifier key"));
  }
}

TEST(SignedNoteTest, RefusesMalformedSignerKeys) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {std::string(kPeterVerifier), "does not start with \"PRIVATE+KEY+\""},
      {"private+key+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+"
       "Y7hfZx09iUvxdXHKDFz",
       "does not start with"},
      {"PRIVATE+KEY+Peter "
       "Neumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
       "contains a space"},
      {"PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+"
       "Y7hfZx09iUvxdXHKDF",
       "not standard padded base64"},
      {"PRIVATE+KEY+PeterNeumann+c74f20a3+AgEKFALVFGyNhPJEMzD1QIDr+"
       "Y7hfZx09iUvxdXHKDFz",
       "algorithm byte 0x02"},
      {"PRIVATE+KEY+PeterNeumann+c74f20a3+" +
           absl::Base64Escape("\x01" + std::string(31, 'k')),
       "Ed25519 key is 31 bytes, want 32"},
      {"PRIVATE+KEY+PeterNeumann+c74f20a3+", "key data is empty"},
      {"PRIVATE+KEY+", "signer key is empty"},
      {"PRIVATE+KEY+PeterNeumann+c74f20a4+AYEKFALVFGyNhPJEMzD1QIDr+"
       "Y7hfZx09iUvxdXHKDFz",
       "key hash c74f20a4 does not match the key, which hashes to c74f20a3"},
      {"PRIVATE+KEY+EnochRoot+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+"
       "Y7hfZx09iUvxdXHKDFz",
       "does not match the key"},
  };
  for (const auto& [text, part] : cases) {
    const absl::Status s = ParseSignerKey(text).status();
    ExpectCode(s, absl::StatusCode::kInvalidArgument, part);
    EXPECT_THAT(std::string(s.message()), HasSubstr("signer key"));
    // The secret must not leak into error messages.
    EXPECT_THAT(std::string(s.message()),
                ::testing::Not(HasSubstr("FALVFGyNhPJEMzD1QIDr")));
  }
}

// Go's own mangling test: no part or one-byte change of a key is a key.
TEST(SignedNoteTest, RefusesEveryPieceAndEveryBumpedByteOfAKey) {
  for (absl::string_view key : {kPeterVerifier, kPeterSigner}) {
    const bool signer = key == kPeterSigner;
    const auto parses = [&](absl::string_view text) {
      return signer ? ParseSignerKey(text).ok() : ParseVerifierKey(text).ok();
    };
    ASSERT_TRUE(parses(key));
    for (size_t i = 0; i <= key.size(); ++i) {
      for (size_t j = i + 1; j <= key.size(); ++j) {
        if (i == 0 && j == key.size()) continue;
        EXPECT_FALSE(parses(key.substr(i, j - i))) << key.substr(i, j - i);
      }
    }
    std::string b(key);
    for (size_t i = 0; i < b.size(); ++i) {
      ++b[i];
      EXPECT_FALSE(parses(b)) << b;
      --b[i];
    }
  }
}

// ------------------------------------------------------------ checkpoints

TEST(CheckpointTextTest, MatchesTheC2spExampleAndRoundTrips) {
  // The example checkpoint of c2sp.org/tlog-checkpoint.
  const std::string text =
      "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/"
      "Xajj7h2fB2MPA3j2jxq2I=\n";
  const TreeHead head = Must(ParseCheckpointText(text));
  EXPECT_EQ(head.origin, "example.com/behind-the-sofa");
  EXPECT_EQ(head.size, 20852163u);
  EXPECT_EQ(head.root_hash.size(), 32u);
  EXPECT_EQ(FormatCheckpointText(head), text);

  for (uint64_t size : {uint64_t{0}, uint64_t{1}, UINT64_MAX}) {
    const TreeHead h{"log with spaces+plus \xE2\x9C\x93", size,
                     std::string(32, '\xff')};
    const TreeHead back = Must(ParseCheckpointText(FormatCheckpointText(h)));
    EXPECT_EQ(back.origin, h.origin);
    EXPECT_EQ(back.size, size);
    EXPECT_EQ(back.root_hash, h.root_hash);
  }
}

TEST(CheckpointTextTest, IgnoresExtensionLines) {
  const TreeHead head = Must(ParseCheckpointText(
      "o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\nextension "
      "one\n\xE2\x80\x94 two\n"));
  EXPECT_EQ(head.origin, "o");
  EXPECT_EQ(head.size, 5u);
}

TEST(CheckpointTextTest, RefusesEachMalformedLine) {
  const std::string root = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "checkpoint text is empty"},
      {"o\n1\n" + root, "does not end in a newline"},
      {"o\n1\n", "has 2 lines, want at least 3"},
      {"\n1\n" + root + "\n", "line 1 (origin) is empty"},
      {"o\tx\n1\n" + root + "\n", "line 1 (origin) has control character 0x09"},
      {"o\xFF\n1\n" + root + "\n", "line 1 (origin) is not valid UTF-8"},
      {"o\n\n" + root + "\n", "line 2 (tree size) is empty"},
      {"o\n01\n" + root + "\n", "line 2 (tree size) has a leading zero"},
      {"o\n00\n" + root + "\n", "leading zero"},
      {"o\n-1\n" + root + "\n",
       "line 2 (tree size) \"-1\" is not a decimal number"},
      {"o\n+1\n" + root + "\n", "is not a decimal number"},
      {"o\n 1\n" + root + "\n", "is not a decimal number"},
      {"o\n1a\n" + root + "\n", "is not a decimal number"},
      {"o\n18446744073709551616\n" + root + "\n",
       "line 2 (tree size) does not fit in 64 bits"},
      {"o\n99999999999999999999\n" + root + "\n", "does not fit in 64 bits"},
      {"o\n1\n\n", "line 3 (root hash) is empty"},
      {"o\n1\nnot base64!\n",
       "line 3 (root hash) is not standard padded base64"},
      {"o\n1\n" + root.substr(0, 43) + "\n", "not standard padded base64"},
      {"o\n1\n" + absl::Base64Escape(std::string(31, 'x')) + "\n",
       "line 3 (root hash) is 31 bytes, want 32"},
      {"o\n1\n" + absl::Base64Escape(std::string(33, 'x')) + "\n",
       "is 33 bytes"},
      {"o\n1\n" + root + "\n\n", "line 4 (extension) is empty"},
      {"o\n1\n" + root + "\next\x7f\nbad\x1b\n",
       "line 5 (extension) has control character"},
  };
  for (const auto& [text, part] : cases) {
    ExpectCode(ParseCheckpointText(text).status(),
               absl::StatusCode::kInvalidArgument, part);
  }
}

}  // namespace
}  // namespace hotline::store
