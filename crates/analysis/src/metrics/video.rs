//! Per-video dissemination metrics: the columns of the table a KMb paper prints.

use super::ratio;
use serde::Serialize;
use uptake_model::{Count, Metrics, Share, Video};

/// Which denominator an engagement rate uses. The industry uses all three
/// and they are not comparable; uptake defaults to views and says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EngagementBase {
    /// `engagement_rate_views = (likes + comments + shares) / views` (default).
    Views,
    /// `engagement_rate_reach = (likes + comments + shares) / reach`.
    Reach,
}

/// Every metric of one video, computed from its latest values.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VideoMetrics {
    /// Views.
    pub views: Option<Count>,
    /// Unique viewers reached.
    pub reach: Option<Count>,
    /// Likes.
    pub likes: Option<Count>,
    /// Comments.
    pub comments: Option<Count>,
    /// Shares.
    pub shares: Option<Count>,
    /// Saves.
    pub saves: Option<Count>,
    /// True when any count used here is approximate (`1.2K`, rounded stats).
    pub approximate: bool,
    /// `engagement_rate_views = (likes + comments + shares) / views`.
    pub engagement_rate_views: Option<f64>,
    /// `engagement_rate_reach = (likes + comments + shares) / reach`.
    pub engagement_rate_reach: Option<f64>,
    /// `like_rate = likes / views`.
    pub like_rate: Option<f64>,
    /// `comment_rate = comments / views`.
    pub comment_rate: Option<f64>,
    /// `share_rate = shares / views`.
    pub share_rate: Option<f64>,
    /// `save_rate = saves / views`.
    pub save_rate: Option<f64>,
    /// `avg_watch_s`: average watch time per view, seconds (as reported).
    pub avg_watch_s: Option<f64>,
    /// `avg_watch_ratio = avg_watch_s / duration_s`.
    pub avg_watch_ratio: Option<f64>,
    /// `full_watch_rate`: fraction of views that watched to the end (as reported).
    pub full_watch_rate: Option<f64>,
    /// `for_you_share`: fraction of views from the For You feed (as reported).
    pub for_you_share: Option<f64>,
    /// `top_territory`: the viewers' country with the largest share, and the share.
    pub top_territory: Option<(String, f64)>,
    /// New followers attributed to the video.
    pub new_followers: Option<Count>,
}

fn f(c: Option<Count>) -> Option<f64> {
    c.map(|c| c.value as f64)
}

fn sum3(a: Option<Count>, b: Option<Count>, c: Option<Count>) -> Option<f64> {
    Some(f(a)? + f(b)? + f(c)?)
}

/// `for_you_share`: the `For You` traffic source's fraction. TikTok's label
/// varies (`For You`, `For You page`, `FYP`), so match loosely.
pub fn for_you_share(sources: &[Share]) -> Option<f64> {
    sources
        .iter()
        .find(|s| {
            let l = s.label.to_lowercase();
            l.starts_with("for you") || l == "fyp" || l == "foryou"
        })
        .map(|s| s.fraction)
}

/// `top_territory`: the named territory with the largest share (the bucket
/// `Others` is not a territory and is skipped).
pub fn top_territory(territories: &[Share]) -> Option<(String, f64)> {
    territories
        .iter()
        .filter(|s| {
            !s.label.eq_ignore_ascii_case("others") && !s.label.eq_ignore_ascii_case("other")
        })
        .max_by(|a, b| a.fraction.total_cmp(&b.fraction))
        .map(|s| (s.label.clone(), s.fraction))
}

/// Computes every per-video metric from a video's latest metric values.
pub fn video_metrics(video: &Video, m: &Metrics) -> VideoMetrics {
    let interactions = sum3(m.likes, m.comments, m.shares);
    let views = f(m.views);
    let used = [m.views, m.reach, m.likes, m.comments, m.shares, m.saves];
    VideoMetrics {
        views: m.views,
        reach: m.reach,
        likes: m.likes,
        comments: m.comments,
        shares: m.shares,
        saves: m.saves,
        approximate: used.iter().any(|c| c.is_some_and(|c| c.approximate)),
        engagement_rate_views: ratio(interactions, views),
        engagement_rate_reach: ratio(interactions, f(m.reach)),
        like_rate: ratio(f(m.likes), views),
        comment_rate: ratio(f(m.comments), views),
        share_rate: ratio(f(m.shares), views),
        save_rate: ratio(f(m.saves), views),
        avg_watch_s: m.avg_watch_s,
        avg_watch_ratio: ratio(m.avg_watch_s, video.duration_s),
        full_watch_rate: m.full_watch_rate,
        for_you_share: for_you_share(&m.traffic_sources),
        top_territory: top_territory(&m.territories),
        new_followers: m.new_followers,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metrics(views: i64, likes: i64, comments: i64, shares: i64) -> Metrics {
        Metrics {
            views: Some(Count::exact(views)),
            likes: Some(Count::exact(likes)),
            comments: Some(Count::exact(comments)),
            shares: Some(Count::exact(shares)),
            ..Metrics::default()
        }
    }

    #[test]
    fn engagement_rate_uses_views_by_default() {
        let v = video_metrics(&Video::with_id("1"), &metrics(1000, 80, 15, 5));
        assert_eq!(v.engagement_rate_views, Some(0.1));
        assert_eq!(v.share_rate, Some(0.005));
        assert_eq!(v.save_rate, None, "no saves reported: not measured, not 0");
        assert_eq!(v.engagement_rate_reach, None);
    }

    #[test]
    fn zero_views_gives_no_rate() {
        let v = video_metrics(&Video::with_id("1"), &metrics(0, 0, 0, 0));
        assert_eq!(v.engagement_rate_views, None);
    }

    #[test]
    fn a_missing_input_leaves_the_rate_missing() {
        let mut m = metrics(1000, 80, 15, 5);
        m.comments = None;
        let v = video_metrics(&Video::with_id("1"), &m);
        assert_eq!(v.engagement_rate_views, None);
        assert_eq!(v.like_rate, Some(0.08));
    }

    #[test]
    fn approximate_inputs_are_flagged() {
        let mut m = metrics(1000, 80, 15, 5);
        m.views = Some(Count::approx(1000));
        assert!(video_metrics(&Video::with_id("1"), &m).approximate);
    }

    #[test]
    fn watch_ratio_territory_and_for_you() {
        let mut m = metrics(1000, 80, 15, 5);
        m.avg_watch_s = Some(15.0);
        m.traffic_sources = vec![
            Share {
                label: "Personal profile".into(),
                fraction: 0.1,
            },
            Share {
                label: "For You".into(),
                fraction: 0.8,
            },
        ];
        m.territories = vec![
            Share {
                label: "Others".into(),
                fraction: 0.5,
            },
            Share {
                label: "CA".into(),
                fraction: 0.3,
            },
            Share {
                label: "US".into(),
                fraction: 0.2,
            },
        ];
        let video = Video {
            duration_s: Some(60.0),
            ..Video::with_id("1")
        };
        let v = video_metrics(&video, &m);
        assert_eq!(v.avg_watch_ratio, Some(0.25));
        assert_eq!(v.for_you_share, Some(0.8));
        assert_eq!(v.top_territory, Some(("CA".to_string(), 0.3)));
    }
}
