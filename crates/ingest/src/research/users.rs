//! User info objects (§1.4): a profile snapshot, tied to an account only
//! through a `username`.

use super::{Kind, Research, Spot, MISSING_LOG_ID};
use crate::api_json::{count, push, stamp_time, strip_nul, text, warn_nul, Scalar};
use crate::error::IngestError;
use crate::number::ValueError;
use crate::privacy::{scrub_raw, Person};
use crate::sink::{Record, Warning};
use serde::Deserialize;
use serde_json::{Map, Value};
use uptake_model::ProfileSnapshot;

/// A user info object (§1.4).
#[derive(Deserialize)]
struct ResearchUser {
    username: Option<Scalar>,
    follower_count: Option<Scalar>,
    following_count: Option<Scalar>,
    likes_count: Option<Scalar>,
    video_count: Option<Scalar>,
}

impl Research<'_, '_> {
    /// A user info object; `hint` is a handle found next to it.
    pub(super) fn profile(
        &mut self,
        fields: Map<String, Value>,
        hint: Option<String>,
        spot: &Spot,
        log_id: Option<&str>,
    ) -> Result<(), IngestError> {
        let mut value = Value::Object(fields);
        let nul_fields = strip_nul(&mut value);
        let location = self.location(spot, None);
        warn_nul(self.sink, &location, &nul_fields);
        self.saw(Kind::User);
        let parsed = ResearchUser::deserialize(&value).map_err(|e| {
            IngestError::invalid(
                location.clone(),
                format!("expected a Research API user info object, found: {e}"),
            )
        })?;
        let at = |field: &str, e: ValueError| IngestError::value(location.clone(), field, e);
        let handle = match text(parsed.username.as_ref()).map_err(|e| at("username", e))? {
            Some(h) => Some(h),
            None => hint,
        };
        let author = self.ctx.person(Person {
            user_id: None,
            handle: handle.as_deref(),
        })?;
        let Some(key) = author.key else {
            self.sink.warn(Warning {
                location,
                message: "skipped user info without a `username`: the Research API does not echo \
                          it, so nothing ties these counts to an account; add \
                          `\"username\": \"...\"` next to `data` and import again"
                    .into(),
            });
            return Ok(());
        };
        let n = |field: &str, v: &Option<Scalar>| {
            count(v.as_ref())
                .map(|c| c.map(|c| c.value))
                .map_err(|e| at(field, e))
        };
        let followers = n("follower_count", &parsed.follower_count)?;
        let following = n("following_count", &parsed.following_count)?;
        let likes = n("likes_count", &parsed.likes_count)?;
        let videos = n("video_count", &parsed.video_count)?;
        let own = log_id.and_then(stamp_time);
        let observed_at =
            self.clock
                .resolve(self.ctx, own, MISSING_LOG_ID, self.sink, &location)?;
        let raw = scrub_raw(&value).to_string();
        let records = vec![Record::Profile(ProfileSnapshot {
            author_key: key,
            observed_at,
            followers,
            following,
            likes,
            videos,
        })];
        push(self.sink, location, Some(raw), records)
    }
}
