//! `brink plot`: redraw the charts of a result, and heatmaps over any two swept or drawn
//! parameters.

use crate::common::{data_intact, plan_of, store_fail, usage, Res};
use brink_analysis::pipeline;
use brink_analysis::store::Store;
use brink_core::Param;
use brink_sweep::Plan;
pub(crate) fn plot(store: &Store, prefix: &str, heatmap: Option<&str>, quiet: bool) -> Res {
    let hash = store.resolve(prefix).map_err(store_fail)?;
    data_intact(store, &hash)?;
    let plan = plan_of(store, &hash)?;
    let axes = heatmap.map(|spec| heatmap_axes(&plan, spec)).transpose()?;
    pipeline::replot(store, &plan).map_err(store_fail)?;
    if !quiet {
        println!("charts of {hash} redrawn in {}", store.dir(&hash).join("charts").display());
    }
    if let Some((x, y)) = axes {
        let path = pipeline::heatmap(store, &plan, x, y).map_err(store_fail)?;
        if !quiet {
            println!("heatmap: {}", path.display());
        }
    }
    Ok(())
}

/// Two parameters named "X,Y" that vary between the result's scenarios: swept, or drawn from
/// the posterior.
pub(crate) fn heatmap_axes(plan: &Plan, spec: &str) -> Res<(Param, Param)> {
    let params = brink_analysis::outputs::varying(plan);
    let names: Vec<&str> = params.iter().map(|p| p.name()).collect();
    let find = |n: &str| -> Res<Param> {
        params.iter().find(|p| p.name() == n.trim()).copied().ok_or_else(|| {
            usage(format!(
                "--heatmap: {n:?} is not a parameter that varies between the scenarios of this result{}; swept or drawn: {}",
                brink_sweep::experiment::suggest(n.trim(), &names),
                names.join(", ")
            ))
        })
    };
    match spec.split_once(',') {
        Some((x, y)) if x.trim() != y.trim() => Ok((find(x)?, find(y)?)),
        _ => Err(usage(format!("--heatmap {spec:?}: expected two different swept or drawn parameters X,Y"))),
    }
}
