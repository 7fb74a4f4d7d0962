// The defining scenario, traced into a Timeline for the picture tests:
// a 2-core simulated machine, a pool of 4, `signups` tasks of `hash_ms` CPU
// queued at once by the main script, each callback logging "signup N".
#ifndef TWINLOOP_TIMELINE_SIGNUP_TIMELINE_TESTUTIL_H_
#define TWINLOOP_TIMELINE_SIGNUP_TIMELINE_TESTUTIL_H_

#include "timeline/timeline.h"

namespace timeline {

Timeline SignupTimeline(int signups, int hash_ms = 100);

}  // namespace timeline

#endif  // TWINLOOP_TIMELINE_SIGNUP_TIMELINE_TESTUTIL_H_
