//! `brink params`: every model parameter with its default, range, unit, meaning and source.

use crate::common::{failed, print_all, Res};
pub(crate) fn params(json: bool, markdown: bool) -> Res {
    let text = if json {
        let doc =
            serde_json::json!({ "model": brink_core::MODEL_VERSION, "parameters": brink_sweep::catalog::entries() });
        format!("{}\n", serde_json::to_string_pretty(&doc).map_err(|e| failed(e.to_string()))?)
    } else if markdown {
        brink_sweep::catalog::markdown()
    } else {
        let mut s = format!(
            "{:<26} {:>10} {:>16} {:<20} {:<7} {:<6} meaning (source)\n",
            "parameter", "default", "range", "unit", "swept", "fitted"
        );
        for e in brink_sweep::catalog::entries() {
            s.push_str(&format!(
                "{:<26} {:>10} {:>16} {:<20} {:<7} {:<6} {} ({})\n",
                e.name,
                e.default,
                format!("[{}, {}]", e.range[0], e.range[1]),
                e.unit,
                if e.swept.is_some() { "yes" } else { "" },
                if e.calibrated { "yes" } else { "" },
                e.meaning,
                e.source
            ));
        }
        s
    };
    print_all(&text)
}
