#include "base/chunk_cache.h"

#include "absl/base/config.h"
#include "absl/base/internal/raw_logging.h"

#ifdef ABSL_HAVE_ADDRESS_SANITIZER
#include <sanitizer/asan_interface.h>
#endif

namespace base {
namespace {

struct FreeChunkLink {
  FreeChunkLink* next;
};

struct SizeClass {
  size_t bytes = 0;  // the size it holds chunks of, while head is not null
  size_t align = 0;
  FreeChunkLink* head = nullptr;
};

// Trivially destructible, so it is still there while other thread-local
// destructors free chunks at thread exit (those then go to operator delete).
struct ThreadChunks {
  SizeClass classes[kChunkSizeClasses];
  size_t cached_bytes = 0;
  size_t limit = kDefaultChunkCacheLimit;
  bool exited = false;
};
thread_local ThreadChunks chunks;

void Poison(void* chunk, size_t bytes) {
#ifdef ABSL_HAVE_ADDRESS_SANITIZER
  ASAN_POISON_MEMORY_REGION(chunk, bytes);
#else
  (void)chunk, (void)bytes;
#endif
}

void Unpoison(void* chunk, size_t bytes) {
#ifdef ABSL_HAVE_ADDRESS_SANITIZER
  ASAN_UNPOISON_MEMORY_REGION(chunk, bytes);
#else
  (void)chunk, (void)bytes;
#endif
}

// operator new's own alignment needs no aligned allocation (glibc's
// aligned_alloc takes a slower path).
void* New(size_t bytes, size_t align) {
  if (align <= __STDCPP_DEFAULT_NEW_ALIGNMENT__) return ::operator new(bytes);
  return ::operator new(bytes, std::align_val_t{align});
}

void Delete(void* chunk, size_t align) noexcept {
  if (align <= __STDCPP_DEFAULT_NEW_ALIGNMENT__) {
    ::operator delete(chunk);
  } else {
    ::operator delete(chunk, std::align_val_t{align});
  }
}

// Takes the first chunk off a class's list (a cached chunk is poisoned
// whole, its link too, so it is unpoisoned to be read).
FreeChunkLink* Pop(SizeClass& c) {
  FreeChunkLink* chunk = c.head;
  Unpoison(chunk, c.bytes);
  c.head = chunk->next;
  chunks.cached_bytes -= c.bytes;
  return chunk;
}

// Frees cached chunks until at most `keep` bytes are cached.
void Trim(size_t keep) {
  for (SizeClass& c : chunks.classes) {
    while (chunks.cached_bytes > keep && c.head != nullptr) Delete(Pop(c), c.align);
  }
}

// Frees the thread's cache when it exits; registered by the thread's first
// chunk allocated or cached, so that chunks freed by later exit-time
// destructors (static ones on the main thread) go to operator delete.
struct ReleaseAtExit {
  bool armed = false;
  ~ReleaseAtExit() {
    chunks.exited = true;
    Trim(0);
  }
};
thread_local ReleaseAtExit release_at_exit;

SizeClass* Find(size_t bytes, size_t align) {
  for (SizeClass& c : chunks.classes) {
    if (c.bytes == bytes && c.align == align) return &c;
  }
  return nullptr;
}

}  // namespace

void* AllocateChunk(size_t bytes, size_t align) {
  ABSL_RAW_CHECK(bytes > 0, "a chunk of no bytes");
  ABSL_RAW_CHECK(align > 0 && (align & (align - 1)) == 0, "alignment must be a power of two");
  if (SizeClass* c = Find(bytes, align); c != nullptr && c->head != nullptr) return Pop(*c);
  if (!release_at_exit.armed) release_at_exit.armed = true;  // registers its destructor
  return New(bytes, align);
}

void FreeChunk(void* chunk, size_t bytes, size_t align) noexcept {
  if (chunk == nullptr) return;
  // Too small to hold the list's link (never a container's chunk): not kept.
  if (bytes < sizeof(FreeChunkLink) || chunks.exited ||
      chunks.cached_bytes + bytes > chunks.limit) {
    Delete(chunk, align);
    return;
  }
  SizeClass* c = Find(bytes, align);
  if (c == nullptr) {
    // A class that holds nothing now takes this size.
    for (SizeClass& empty : chunks.classes) {
      if (empty.head == nullptr) {
        c = &empty;
        break;
      }
    }
    if (c == nullptr) {
      Delete(chunk, align);
      return;
    }
    c->bytes = bytes;
    c->align = align;
  }
  if (!release_at_exit.armed) release_at_exit.armed = true;  // registers its destructor
  auto* link = static_cast<FreeChunkLink*>(chunk);
  link->next = c->head;
  c->head = link;
  chunks.cached_bytes += bytes;
  Poison(chunk, bytes);
}

void SetChunkCacheLimit(size_t bytes) {
  chunks.limit = bytes;
  Trim(bytes);
}

size_t CachedChunkBytes() { return chunks.cached_bytes; }

void ReleaseCachedChunks() { Trim(0); }

}  // namespace base
