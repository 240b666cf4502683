// MathJax 3 configuration for every page: Markdown pages (where the
// arithmatex extension wraps formulas in \( \) and \[ \]) and notebook pages
// (where formulas stay as $ $ and $$ $$ in the HTML). MathJax itself is
// served from assets/vendor/mathjax, so no page loads it from another origin.
window.MathJax = {
  tex: {
    inlineMath: [["\\(", "\\)"], ["$", "$"]],
    displayMath: [["\\[", "\\]"], ["$$", "$$"]],
    processEscapes: true,
    processEnvironments: true,
  },
  options: {
    // Code cells and their outputs hold Python, not TeX.
    ignoreHtmlClass: "tex2jax_ignore|highlight|highlight-ipynb|jp-OutputArea",
    processHtmlClass: "tex2jax_process|arithmatex",
  },
};

// With navigation.instant, Material swaps page content without a reload and
// announces each new page on document$. MathJax typesets the first page when
// it starts; typesetting it again at the same time would race with that pass
// and leave empty glyphs, so only later pages are typeset here, each after
// any typesetting still under way.
let firstPage = true;
document$.subscribe(() => {
  if (firstPage) {
    firstPage = false;
    return;
  }
  MathJax.startup.promise = MathJax.startup.promise.then(() => {
    MathJax.startup.output.clearCache();
    MathJax.typesetClear();
    MathJax.texReset();
    return MathJax.typesetPromise();
  });
});
