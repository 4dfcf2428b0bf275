(function(){
var d=document,DAY=864e5;d.documentElement.classList.remove('no-js');
// Dates: the page carries absolute dates (true whenever it is read); how long ago they
// were is worked out here, from the reader's clock, in whole calendar days (UTC).
function days(iso){var t=new Date(iso),n=new Date();
 return Math.round((Date.UTC(n.getUTCFullYear(),n.getUTCMonth(),n.getUTCDate())-Date.UTC(t.getUTCFullYear(),t.getUTCMonth(),t.getUTCDate()))/DAY);}
function ago(n){if(n<=0)return'today';if(n===1)return'yesterday';if(n<60)return n+' days ago';
 if(n<730)return Math.floor(n/30)+' months ago';return Math.floor(n/365)+' years ago';}
[].forEach.call(d.querySelectorAll('time[data-ago]'),function(t){var n=days(t.dateTime);if(!isNaN(n))t.textContent=ago(n);});
// The staleness banner: shown when the newest check is older than the window, as of now.
var b=d.getElementById('stale-banner');
if(b){var n=days(b.dataset.newest);if(!isNaN(n))b.hidden=n<=+b.dataset.windowDays;}
// The filter: rows match on their country and cell text (not the history strip), accents
// and format characters ignored (the ZWNJ a Persian title keeps, which no reader types); only
// rows and sections whose state changes are touched.
var q=d.getElementById('filter'),out=d.getElementById('filter-count'),none=d.getElementById('no-match');
if(!q)return;
function norm(s){return s.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g,'').replace(/\p{Cf}/gu,'');}
var secs=[].slice.call(d.querySelectorAll('section.country')),rows=[],texts=[],owner=[],shown=[],total=0;
secs.forEach(function(s,i){var c=s.querySelector('h2').textContent;
 [].forEach.call(s.querySelectorAll('tbody tr'),function(r){var t=c;
  [].forEach.call(r.querySelectorAll('th,td:not(.checks)'),function(x){t+=' '+x.textContent;});
  rows.push(r);texts.push(norm(t));owner.push(i);});});
total=rows.length;
function run(){var t=norm(q.value.trim()),n=0,per=secs.map(function(){return 0;});
 for(var i=0;i<total;i++){var m=!t||texts[i].indexOf(t)>=0;if(rows[i].hidden===m)rows[i].hidden=!m;if(m){n++;per[owner[i]]++;}}
 secs.forEach(function(s,i){var h=per[i]===0;if(s.hidden!==h)s.hidden=h;});
 out.textContent=t?n+' of '+total+' shown':'';none.hidden=n>0;}
q.addEventListener('input',run);
if(q.value)run();
})();
