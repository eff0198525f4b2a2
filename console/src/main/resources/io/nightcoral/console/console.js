// NightCoral console: confirmations, and the overview's live figures and chart. No libraries.
(function () {
  'use strict';

  document.querySelectorAll('form[data-confirm]').forEach(function (form) {
    form.addEventListener('submit', function (e) {
      if (!window.confirm(form.getAttribute('data-confirm'))) {
        e.preventDefault();
      }
    });
  });

  var overview = document.querySelector('[data-overview]');
  if (!overview) {
    return;
  }
  var url = overview.getAttribute('data-json');
  var every = Number(overview.getAttribute('data-poll-ms')) || 2000;
  var colors = { retiredPerSecond: '#2f6fb0', queued: '#d2553f' };

  function refresh() {
    fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin', cache: 'no-store' })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(new Error('HTTP ' + r.status)); })
      .then(render)
      .catch(function (e) { status('not reachable: ' + e.message); })
      .then(function () { setTimeout(refresh, every); });
  }

  function render(data) {
    Object.keys(data.stats).forEach(function (name) {
      var el = overview.querySelector('[data-stat="' + name + '"]');
      if (el) {
        el.textContent = String(data.stats[name]);
      }
    });
    overview.querySelectorAll('canvas[data-chart]').forEach(function (canvas) {
      var series = canvas.getAttribute('data-chart');
      var values = data.points.map(function (p) { return p[series]; });
      draw(canvas, values, colors[series] || '#333');
      var latest = overview.querySelector('[data-latest="' + series + '"]');
      if (latest) {
        latest.textContent = values.length ? 'now ' + values[values.length - 1] : '';
      }
    });
    status('Updated ' + new Date().toLocaleTimeString() + '.');
  }

  function status(text) {
    var el = overview.querySelector('[data-updated]');
    if (el) {
      el.textContent = text;
    }
  }

  // A line over the samples, scaled to the largest value, with that value and 0 on the left.
  function draw(canvas, values, color) {
    var ratio = window.devicePixelRatio || 1;
    var w = canvas.clientWidth || canvas.width;
    var h = canvas.clientHeight || canvas.height;
    canvas.width = Math.round(w * ratio);
    canvas.height = Math.round(h * ratio);
    var g = canvas.getContext('2d');
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, w, h);
    var left = 44, top = 8, bottom = h - 18, right = w - 8;
    var max = Math.max.apply(null, values.concat([1]));
    var nice = niceCeiling(max);
    g.strokeStyle = '#dde1ea';
    g.fillStyle = '#6b7385';
    g.font = '11px system-ui, sans-serif';
    g.lineWidth = 1;
    [0, 0.5, 1].forEach(function (f) {
      var y = Math.round(bottom - f * (bottom - top)) + 0.5;
      g.beginPath(); g.moveTo(left, y); g.lineTo(right, y); g.stroke();
      g.fillText(format(nice * f), 4, y + 4);
    });
    if (values.length < 2) {
      g.fillText('collecting samples…', left + 8, (top + bottom) / 2);
      return;
    }
    var step = (right - left) / (values.length - 1);
    g.beginPath();
    values.forEach(function (v, i) {
      var x = left + i * step;
      var y = bottom - (v / nice) * (bottom - top);
      if (i === 0) { g.moveTo(x, y); } else { g.lineTo(x, y); }
    });
    g.strokeStyle = color;
    g.lineWidth = 2;
    g.stroke();
    g.lineTo(right, bottom);
    g.lineTo(left, bottom);
    g.closePath();
    g.globalAlpha = 0.12;
    g.fillStyle = color;
    g.fill();
    g.globalAlpha = 1;
  }

  function niceCeiling(v) {
    var p = Math.pow(10, Math.floor(Math.log10(v)));
    var m = v / p;
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
  }

  function format(v) {
    return v >= 1000 ? (v / 1000).toFixed(v >= 10000 ? 0 : 1) + 'k' : String(Math.round(v * 10) / 10);
  }

  refresh();
})();
